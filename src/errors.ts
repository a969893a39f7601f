/**
 * Typed application errors with a stable code and HTTP status. Services throw these (never HTTP
 * exceptions); the one error handler in app.ts maps them to RFC 9457 problem+json.
 */

export interface FieldProblem {
  /** JSON-pointer-like path of the bad field, e.g. `phone` or `area.coordinates`. */
  field: string;
  message: string;
}

export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly fields: FieldProblem[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export class ValidationError extends AppError {
  constructor(field: string, message: string, more: FieldProblem[] = []) {
    super('validation', 400, `${field}: ${message}`, [{ field, message }, ...more]);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super('not-found', 404, `${what} not found`);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, field?: string) {
    super('conflict', 409, message, field ? [{ field, message }] : []);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Not logged in') {
    super('unauthorized', 401, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'Not allowed') {
    super('forbidden', 403, message);
  }
}

export class RateLimitedError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('rate-limited', 429, message, [], { retryAfter: retryAfterSeconds });
  }
}
