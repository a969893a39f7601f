/**
 * The one way pages talk to the server: JSON in and out, RFC 9457 problems turned into `ApiError`
 * (with the fields the server named), and the CSRF token sent on every state-changing request. A
 * problem is shown by its `code` and `params`, translated (`problems` in the locales): the server's
 * English `detail` is for logs and API clients, never for the page.
 */
import i18next from 'i18next';

export type ProblemParams = Record<string, string | number>;

export interface FieldProblem {
  field: string;
  code?: string;
  params?: ProblemParams;
  message: string;
}

/** The page's text for a problem code; a generic one by status for a code the page has no text for. */
export function problemText(code: string | undefined, params: ProblemParams = {}, status = 400): string {
  const key = `problems.${code ?? ''}`;
  if (code && i18next.exists(key)) return i18next.t(key as 'problems.invalid', params);
  return i18next.t(
    status >= 500 ? 'common.error' : status === 429 ? 'problems.rate-limited' : 'problems.invalid',
    params,
  );
}

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldProblem[] = [],
    /** Seconds to wait before trying again (429 answers). */
    readonly retryAfter?: number,
    readonly params: ProblemParams = {},
  ) {
    super(message);
  }

  /** The page's text for one field's problem, if the server named the field. */
  fieldMessage(field: string): string | undefined {
    const problem = this.fields.find((f) => f.field === field || f.field.startsWith(`${field}.`));
    return problem ? problemText(problem.code, problem.params, this.status) : undefined;
  }

  /** The page's text for the whole problem: its first field's, else its own code's. */
  text(): string {
    const [first] = this.fields;
    if (first) return problemText(first.code, first.params, this.status);
    return problemText(
      this.code,
      { ...this.params, ...(this.retryAfter ? { seconds: this.params.seconds ?? this.retryAfter } : {}) },
      this.status,
    );
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiClient {
  /** `fresh`: past the browser's HTTP cache (a feed that proxies may keep for a while, read by its own page). */
  get<T>(path: string, options?: { fresh?: boolean }): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body?: unknown): Promise<T>;
  patch<T>(path: string, body?: unknown): Promise<T>;
  delete<T>(path: string, body?: unknown): Promise<T>;
  /** Sends a file or form as is (multipart uploads). */
  upload<T>(path: string, body: FormData | Blob, method?: Method): Promise<T>;
  setCsrfToken(token: string | null): void;
}

async function toApiError(response: Response): Promise<ApiError> {
  let problem: {
    code?: string;
    detail?: string;
    title?: string;
    params?: ProblemParams;
    errors?: FieldProblem[];
    retryAfter?: number;
  } = {};
  try {
    problem = (await response.json()) as typeof problem;
  } catch {
    // Not JSON (a proxy's error page): the status alone has to do.
  }
  const header = Number(response.headers.get('retry-after'));
  const retryAfter = problem.retryAfter ?? (Number.isFinite(header) && header > 0 ? header : undefined);
  return new ApiError(
    response.status,
    problem.code ?? `http-${response.status}`,
    problem.detail ?? problem.title ?? response.statusText,
    problem.errors ?? [],
    retryAfter,
    problem.params ?? {},
  );
}

async function bodyOf<T>(response: Response): Promise<T> {
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('content-type') ?? '';
  return (type.includes('json') ? await response.json() : await response.text()) as T;
}

export function createApiClient(): ApiClient {
  let csrfToken: string | null = null;

  async function send<T>(
    method: Method,
    path: string,
    body?: BodyInit,
    contentType?: string,
    cache: RequestCache = 'default',
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
    if (contentType) headers['content-type'] = contentType;
    if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
    const response = await fetch(path, { method, headers, body: body ?? null, credentials: 'same-origin', cache });
    if (!response.ok) throw await toApiError(response);
    return bodyOf<T>(response);
  }
  const json =
    (method: Method) =>
    <T>(path: string, body?: unknown) =>
      body === undefined ? send<T>(method, path) : send<T>(method, path, JSON.stringify(body), 'application/json');

  return {
    get: (path, options) => send('GET', path, undefined, undefined, options?.fresh ? 'no-cache' : 'default'),
    post: json('POST'),
    put: json('PUT'),
    patch: json('PATCH'),
    delete: json('DELETE'),
    upload: (path, body, method = 'POST') => send(method, path, body),
    setCsrfToken: (token) => void (csrfToken = token),
  };
}

/** `/api/t/{slug}` + path, with the slug escaped. */
export function tenantPath(slug: string, path = ''): string {
  return `/api/t/${encodeURIComponent(slug)}${path}`;
}

/** A query string from the defined values only. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * Wraps the calls of a logged-in area: a 401 answer (the session expired or was revoked) also tells
 * `onSessionLost`, so that the page can go back to its login.
 */
export function sessionGuard(onSessionLost: () => void) {
  return <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await call(...args);
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) onSessionLost();
        throw error;
      }
    };
}
