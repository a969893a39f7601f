/**
 * Schema (zod) issues as our field problems: a stable code with its parameters (`too-short` with
 * `minimum`, `invalid-choice` with `options`, …) that the pages translate; other issues are `invalid`,
 * with zod's English message kept for API clients.
 */
import { fieldProblem, type FieldProblem } from '../errors.js';
import type { ProblemCode } from '../problems.js';

export interface SchemaIssue {
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** A zod issue (as fastify-type-provider-zod hands it on) as one of our field codes with its parameters. */
export function schemaIssueProblem(field: string, issue: SchemaIssue): FieldProblem {
  const { keyword, params } = issue;
  const number = (value: unknown) =>
    typeof value === 'number' || typeof value === 'bigint' ? Number(value) : undefined;
  // zod reports no input by default: a missing value is told by its message ("… received undefined").
  const missing = 'input' in params ? params.input === undefined : /received undefined$/.test(issue.message ?? '');
  if (keyword === 'invalid_type' && missing) return fieldProblem(field, 'required');
  if (keyword === 'too_small' && number(params.minimum) !== undefined) {
    return fieldProblem(field, params.origin === 'string' ? 'too-short' : 'too-small', {
      minimum: number(params.minimum)!,
    });
  }
  if (keyword === 'too_big' && number(params.maximum) !== undefined) {
    return fieldProblem(field, params.origin === 'string' ? 'too-long' : 'too-big', {
      maximum: number(params.maximum)!,
    });
  }
  if (keyword === 'invalid_value' && Array.isArray(params.values))
    return fieldProblem(field, 'invalid-choice', { options: params.values.join(', ') });
  if (keyword === 'invalid_format' && params.format === 'email') return fieldProblem(field, 'email-invalid');
  if (keyword === 'custom' && typeof params.params === 'object' && params.params !== null) {
    const code = (params.params as { code?: unknown }).code;
    if (typeof code === 'string' && code in CUSTOM_CODES) return fieldProblem(field, code as ProblemCode);
  }
  return {
    ...fieldProblem(field, 'invalid'),
    ...(typeof issue.message === 'string' ? { message: issue.message } : {}),
  };
}

/** A zod issue as `safeParse` gives it, in the shape above. */
export function zodIssueProblem(field: string, issue: { code: string; message: string }): FieldProblem {
  return schemaIssueProblem(field, {
    keyword: issue.code,
    params: issue as unknown as Record<string, unknown>,
    message: issue.message,
  });
}

/** Codes a schema's own refinements name (`refine(…, { params: { code } })`). */
const CUSTOM_CODES: Partial<Record<ProblemCode, true>> = {
  'endpoint-change-empty': true,
  'quiet-hours-equal': true,
  'push-endpoint': true,
  'push-key': true,
  'one-line-text': true,
};
