/**
 * The one error handler: every error leaves as RFC 9457 application/problem+json. Validation errors
 * name the field; 5xx details stay in the log, never in the answer.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type FieldProblem } from '../errors.js';
import { schemaIssueProblem } from '../lib/schema-issue.js';
import { problemText, type ProblemCode, type ProblemParams } from '../problems.js';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  408: 'Request timeout',
  409: 'Conflict',
  413: 'Payload too large',
  414: 'URI too long',
  415: 'Unsupported media type',
  429: 'Too many requests',
  431: 'Request header fields too large',
  500: 'Internal server error',
  503: 'Service unavailable',
  507: 'Insufficient storage',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  /** One of PROBLEMS (problems.ts): what the pages translate, with `params`. */
  code: ProblemCode;
  params?: ProblemParams;
  errors?: FieldProblem[];
  [extra: string]: unknown;
}

function fieldFromPath(path: string): string {
  return path.replace(/^\//, '').replace(/\//g, '.') || 'body';
}

/**
 * The database refused a write for a reason of its storage (SQLite's or PostgreSQL's codes): the disk is
 * full, the file or server is read-only, or (SQLite) another process held the write lock too long. Nothing
 * of the request was saved — its transaction rolled back — and the answer says so, instead of a bare 500.
 */
function storageProblem(error: unknown): { status: number; code: ProblemCode } | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  if (code === 'SQLITE_FULL' || code === '53100') return { status: 507, code: 'storage-full' };
  if (code.startsWith('SQLITE_READONLY') || code === '25006') return { status: 503, code: 'storage-read-only' };
  if (code.startsWith('SQLITE_BUSY')) return { status: 503, code: 'storage-busy' };
  return undefined;
}

/** What the framework refuses (a body too large, a media type it does not parse), by status. */
const FRAMEWORK_CODES: Record<number, ProblemCode> = {
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  408: 'timeout',
  413: 'payload-too-large',
  414: 'uri-too-long',
  415: 'unsupported-media-type',
  429: 'rate-limited',
  431: 'headers-too-large',
};

export function toProblem(error: unknown, instance: string): Problem {
  if (error instanceof AppError) {
    return {
      type: `https://aviso.dev/problems/${error.code}`,
      title: TITLES[error.status] ?? 'Error',
      status: error.status,
      detail: error.message,
      instance,
      code: error.code,
      ...(Object.keys(error.params).length ? { params: error.params } : {}),
      ...(error.fields.length ? { errors: error.fields } : {}),
      ...error.extra,
    };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = (error as { validationContext?: string }).validationContext ?? 'body';
    const errors = error.validation.map((v) =>
      schemaIssueProblem(v.instancePath ? fieldFromPath(v.instancePath) : context, v),
    );
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
  const storage = storageProblem(error);
  if (storage) {
    return {
      type: `https://aviso.dev/problems/${storage.code}`,
      title: TITLES[storage.status]!,
      status: storage.status,
      detail: problemText(storage.code),
      instance,
      code: storage.code,
    };
  }
  const fastifyError = error as FastifyError;
  const status = fastifyError.statusCode && fastifyError.statusCode >= 400 ? fastifyError.statusCode : 500;
  return {
    type: 'about:blank',
    title: TITLES[status] ?? 'Error',
    status,
    detail: status >= 500 ? problemText('internal') : fastifyError.message,
    instance,
    code: status >= 500 ? 'internal' : (FRAMEWORK_CODES[status] ?? 'bad-request'),
  };
}

export function installErrorHandler(app: FastifyInstance): void {
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
        params: { what: 'route' },
      });
  });
}

/**
 * Fastify's `frameworkErrors`: what its router refuses before any route or hook runs (a path that is not
 * valid %-encoding: 400; a path parameter over the length limit: 414) leaves as problem+json too.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const path = request.url.split('?')[0]!;
  const problem = toProblem(error, path);
  void reply.status(problem.status).type('application/problem+json').send(problem);
}

/**
 * Fastify's `clientErrorHandler`: Node's HTTP parser refused the request (headers over the limit: 431; a
 * request it cannot parse: 400; too slow: 408) before Fastify saw it, so the answer is written to the
 * socket directly — as problem+json, like every other error.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const detail =
    status === 431
      ? problemText('headers-too-large')
      : status === 408
        ? problemText('timeout')
        : 'The request could not be parsed as HTTP';
  const body = JSON.stringify({
    type: 'about:blank',
    title: TITLES[status],
    status,
    detail,
    code: status === 431 ? 'headers-too-large' : status === 408 ? 'timeout' : 'bad-request',
  });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/problem+json\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
