/**
 * Typed application errors with a stable code and HTTP status. Services throw these (never HTTP
 * exceptions); the one error handler in app.ts maps them to RFC 9457 problem+json. Every code is one of
 * `PROBLEMS` (problems.ts), whose English text with the error's parameters makes the message.
 */
import { problemText, type ProblemCode, type ProblemParams } from './problems.js';

export interface FieldProblem {
  /** JSON-pointer-like path of the bad field, e.g. `phone` or `area.coordinates`. */
  field: string;
  /** What is wrong with it, as a stable code the pages translate. */
  code: ProblemCode;
  params?: ProblemParams;
  /** The English text of the code, for logs and API clients. */
  message: string;
}

/** A field problem of `code`, its message the code's English text. */
export function fieldProblem(field: string, code: ProblemCode, params?: ProblemParams): FieldProblem {
  return { field, code, ...(params ? { params } : {}), message: problemText(code, params) };
}

export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: ProblemCode,
    readonly status: number,
    readonly params: ProblemParams = {},
    readonly fields: FieldProblem[] = [],
    readonly extra: Record<string, unknown> = {},
    message = problemText(code, params),
  ) {
    super(message);
  }
}

/** A 400 naming one field (and maybe more): top-level code `validation`, the field's own code in `errors`. */
export class ValidationError extends AppError {
  constructor(field: string, code: ProblemCode, params?: ProblemParams, more: FieldProblem[] = []) {
    const first = fieldProblem(field, code, params);
    super('validation', 400, {}, [first, ...more], {}, `${field}: ${first.message}`);
  }

  /** The error of one field problem as it is (e.g. a schema issue, its message zod's). */
  static of(problem: FieldProblem): ValidationError {
    const error = new ValidationError(problem.field, problem.code, problem.params);
    error.fields[0] = problem;
    error.message = `${problem.field}: ${problem.message}`;
    return error;
  }
}

/** A refusal of one field with a code of its own at the top level too (e.g. `phone-not-allowed`, `pin-rejected`). */
export class FieldError extends AppError {
  constructor(
    status: number,
    field: string,
    code: ProblemCode,
    params?: ProblemParams,
    extra: Record<string, unknown> = {},
    topCode: ProblemCode = code,
  ) {
    const problem = fieldProblem(field, code, params);
    super(topCode, status, params, [problem], extra, `${field}: ${problem.message}`);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super('not-found', 404, { what });
  }
}

export class ConflictError extends AppError {
  constructor(code: ProblemCode, params: ProblemParams = {}, field?: string) {
    super(code, 409, params, field ? [fieldProblem(field, code, params)] : []);
  }
}

export class UnauthorizedError extends AppError {
  constructor(code: ProblemCode = 'unauthorized') {
    super(code, 401);
  }
}

export class ForbiddenError extends AppError {
  constructor(code: ProblemCode = 'forbidden', params: ProblemParams = {}) {
    super(code, 403, params);
  }
}

export class RateLimitedError extends AppError {
  constructor(
    code: ProblemCode,
    params: ProblemParams,
    readonly retryAfterSeconds: number,
  ) {
    super(code, 429, params, [], { retryAfter: retryAfterSeconds });
  }
}
