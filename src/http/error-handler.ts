/**
 * The one error handler: every error leaves as RFC 9457 application/problem+json. Validation errors
 * name the field; 5xx details stay in the log, never in the answer.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type FieldProblem } from '../errors.js';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  429: 'Too many requests',
  500: 'Internal server error',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  errors?: FieldProblem[];
  [extra: string]: unknown;
}

function fieldFromPath(path: string): string {
  return path.replace(/^\//, '').replace(/\//g, '.') || 'body';
}

export function toProblem(error: unknown, instance: string): Problem {
  if (error instanceof AppError) {
    return {
      type: `https://aviso.dev/problems/${error.code}`,
      title: TITLES[error.status] ?? 'Error',
      status: error.status,
      detail: error.message,
      instance,
      code: error.code,
      ...(error.fields.length ? { errors: error.fields } : {}),
      ...error.extra,
    };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = (error as { validationContext?: string }).validationContext ?? 'body';
    const errors = error.validation.map((v) => ({
      field: v.instancePath ? fieldFromPath(v.instancePath) : context,
      message: v.message ?? 'invalid',
    }));
    return {
      type: 'https://aviso.dev/problems/validation',
      title: TITLES[400]!,
      status: 400,
      detail: errors.map((e) => `${e.field}: ${e.message}`).join('; '),
      instance,
      code: 'validation',
      errors,
    };
  }
  const fastifyError = error as FastifyError;
  const status = fastifyError.statusCode && fastifyError.statusCode >= 400 ? fastifyError.statusCode : 500;
  return {
    type: 'about:blank',
    title: TITLES[status] ?? 'Error',
    status,
    detail: status >= 500 ? 'Something went wrong on our side; the request id identifies it in the log.' : fastifyError.message,
    instance,
    code: status >= 500 ? 'internal' : (fastifyError.code ?? 'error').toLowerCase(),
  };
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const problem = toProblem(error, request.url.split('?')[0]!);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    if (error instanceof AppError && typeof error.extra.retryAfter === 'number') {
      reply.header('retry-after', String(error.extra.retryAfter));
    }
    return reply.status(problem.status).type('application/problem+json').send(problem);
  });
  app.setNotFoundHandler((request, reply) => {
    reply
      .status(404)
      .type('application/problem+json')
      .send({
        type: 'about:blank',
        title: 'Not found',
        status: 404,
        detail: `No route ${request.method} ${request.url.split('?')[0]}`,
        instance: request.url.split('?')[0],
        code: 'not-found',
      });
  });
}
