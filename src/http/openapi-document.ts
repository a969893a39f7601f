/**
 * What the OpenAPI document says beyond the routes' own schemas, added in one place when it is built
 * (@fastify/swagger's transformObject): the server, the licence, an operationId per operation (from its
 * method and path), `security: []` on the public operations, the problem+json (RFC 9457) errors every
 * operation can answer — 400 with a body or parameters, 401 and 403 behind a login, 404 with a path
 * parameter, 429 where limits apply, else any 4XX — and the media types of the answers that are not JSON
 * (feeds, CSV, audio, server-sent events, empty 204s). `redocly lint` with the recommended rules passes
 * it (test/http/openapi-lint.test.ts).
 */

type Json = Record<string, unknown>;

interface Operation {
  operationId?: string;
  security?: unknown[];
  parameters?: Array<{ in: string }>;
  requestBody?: unknown;
  responses?: Record<string, Json>;
}

interface Document {
  servers?: unknown[];
  info?: Json;
  paths?: Record<string, Record<string, Operation>>;
  components?: Json & { schemas?: Json; responses?: Json };
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

const problemSchema = {
  type: 'object',
  description: 'RFC 9457 problem details; `errors` names each bad field',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    code: { type: 'string', description: 'stable machine-readable code, e.g. phone-not-allowed' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string' }, message: { type: 'string' } },
      },
    },
    retryAfter: { type: 'integer', description: 'seconds to wait (429)' },
  },
};

const PROBLEMS: Record<string, { name: string; description: string }> = {
  '400': { name: 'BadRequest', description: 'A value is missing or invalid; `errors[].field` names it' },
  '401': { name: 'Unauthorized', description: 'No valid session or API token' },
  '403': { name: 'Forbidden', description: 'The role does not allow this, or the CSRF header is missing' },
  '404': { name: 'NotFound', description: 'No such tenant or item' },
  '429': { name: 'TooManyRequests', description: 'A rate limit or budget refused it; see `Retry-After`' },
  '4XX': { name: 'ClientError', description: 'Another client error' },
};

const problemContent = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };

/** Answers that are not JSON, by method and path: status, media type, what it is. */
const NON_JSON: Record<string, { status: string; type?: string; description: string }> = {
  'GET /api/t/{tenant}/public/incidents.geojson': {
    status: '200',
    type: 'application/geo+json',
    description: 'GeoJSON FeatureCollection',
  },
  'GET /api/t/{tenant}/public/cap.atom': {
    status: '200',
    type: 'application/atom+xml',
    description: 'Atom feed of CAP 1.2 alerts',
  },
  'GET /api/t/{tenant}/public/incidents/{id}/cap.xml': {
    status: '200',
    type: 'application/cap+xml',
    description: 'CAP 1.2 alert',
  },
  'GET /api/t/{tenant}/public/feed.atom': { status: '200', type: 'application/atom+xml', description: 'Atom feed' },
  'GET /api/t/{tenant}/messages/{id}/deliveries.csv': {
    status: '200',
    type: 'text/csv',
    description: 'Deliveries as CSV',
  },
  'GET /api/t/{tenant}/register/imports/{id}/report.csv': {
    status: '200',
    type: 'text/csv',
    description: 'The import report as CSV',
  },
  'GET /api/t/{tenant}/messages/{id}/events': {
    status: '200',
    type: 'text/event-stream',
    description: 'Server-sent events',
  },
  'GET /api/dev/inbox/{id}/audio': { status: '200', type: 'audio/wav', description: 'The voice message, 8 kHz WAV' },
  'GET /api/t/{tenant}/unsubscribe': {
    status: '200',
    type: 'text/html',
    description: 'A page whose button unsubscribes',
  },
  'GET /api/t/{tenant}/me/export': {
    status: '200',
    type: 'application/json',
    description: 'All my data, as a download',
  },
  'POST /api/t/{tenant}/logout': { status: '204', description: 'Logged out' },
  'DELETE /api/t/{tenant}/me': { status: '204', description: 'Deleted' },
  'POST /api/t/{tenant}/me/endpoints/{id}/pin': { status: '204', description: 'A new PIN was sent' },
  'DELETE /api/t/{tenant}/me/endpoints/{id}': { status: '204', description: 'Removed' },
  'DELETE /api/t/{tenant}/me/addresses/{id}': { status: '204', description: 'Removed' },
  'POST /api/t/{tenant}/operators/logout': { status: '204', description: 'Logged out' },
  'POST /api/t/{tenant}/operators/me/password': { status: '204', description: 'Changed' },
  'POST /api/t/{tenant}/operators/me/totp/confirm': { status: '204', description: 'Confirmed' },
  'DELETE /api/t/{tenant}/tokens/{id}': { status: '204', description: 'Revoked' },
  'DELETE /api/t/{tenant}/residents/{id}': { status: '204', description: 'Deleted' },
};

/** Operations where limits answer 429. */
const LIMITED = /\/(login|login\/pin|operators\/login|me\/endpoints(\/\{id\}\/pin)?)$/;

/** `post /api/t/{tenant}/incidents/{id}/messages` → `postIncidentsByIdMessages` (the tenant segment left out). */
export function operationIdOf(method: string, path: string): string {
  const words = path
    .replace(/^\/api\/t\/\{tenant\}/, '/tenant')
    .replace(/^\/api\//, '/')
    .split('/')
    .filter(Boolean)
    .flatMap((segment) => (segment.startsWith('{') ? ['by', segment.slice(1, -1)] : segment.split(/[^A-Za-z0-9]+/)));
  const body = words
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
  return `${method}${body}`;
}

/** Completes one operation; adds the problem statuses it answers to `used`. */
function completeOperation(method: string, path: string, operation: Operation, used: Set<string>): void {
  operation.operationId ??= operationIdOf(method, path);
  operation.security ??= [];
  const responses = (operation.responses ??= {});
  const special = NON_JSON[`${method.toUpperCase()} ${path}`];
  if (special) {
    for (const [status, response] of Object.entries(responses))
      if (/^2/.test(status) && !response.content) delete responses[status];
    responses[special.status] = special.type
      ? { description: special.description, content: { [special.type]: { schema: { type: 'string' } } } }
      : { description: special.description };
  }
  const secured = operation.security.length > 0;
  const statuses = [
    ...(operation.requestBody || (operation.parameters ?? []).some((p) => p.in !== 'path') ? ['400'] : []),
    ...(secured ? ['401', '403'] : []),
    ...(path.includes('{') ? ['404'] : []),
    ...(LIMITED.test(path) ? ['429'] : []),
  ];
  for (const status of statuses.length ? statuses : ['4XX']) {
    responses[status] ??= { $ref: `#/components/responses/${PROBLEMS[status]!.name}` };
    used.add(status);
  }
}

/** The document completed in place (and returned), as described above. */
export function completeOpenApi<T extends object>(document: T, options: { publicUrl: string | undefined }): T {
  const doc = document as Document;
  doc.servers = [{ url: options.publicUrl ? options.publicUrl.replace(/\/$/, '') : '/', description: 'this Aviso' }];
  doc.info = { ...doc.info, license: { name: 'AGPL-3.0-or-later', identifier: 'AGPL-3.0-or-later' } };
  const components = (doc.components ??= {});
  components.schemas = { ...components.schemas, Problem: problemSchema };
  const used = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, operation] of Object.entries(item))
      if (METHODS.has(method)) completeOperation(method, path, operation, used);
  }
  const problems = Object.entries(PROBLEMS).filter(([status]) => used.has(status));
  components.responses = {
    ...components.responses,
    ...Object.fromEntries(
      problems.map(([, { name, description }]) => [name, { description, content: problemContent }]),
    ),
  };
  return document;
}
