import { describeApiError, type ErrorMessage } from '../shared/errors.js';
import { keyHeaders } from './api-key.js';
import type {
  LanguagesResponse,
  Run,
  RunInputView,
  RunLogs,
  RunPage,
  RunStatus,
  SubmitBody,
  SystemStatus,
} from '../shared/types.js';
import type { OpenApiDoc } from './views/api-schema.js';

/** A failed API call, with its words for a person already worked out. */
export class ApiError extends Error {
  readonly human: ErrorMessage;
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
    this.human = describeApiError(status, code, message, details);
  }
}

async function call<T>(
  method: string,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
  extraHeaders: Record<string, string> = {},
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: {
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...keyHeaders(),
        ...extraHeaders,
      },
      body: body === undefined ? null : JSON.stringify(body),
      signal: signal ?? null,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network_error', 'network error');
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON: handled below */
  }
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    throw new ApiError(
      res.status,
      e?.code ?? `http_${res.status}`,
      e?.message ?? `the API answered ${res.status} ${res.statusText}`,
      e?.details,
    );
  }
  return json as T;
}

export const api = {
  languages: (): Promise<LanguagesResponse> => call('GET', '/languages'),
  /** With an idempotency key, sending the same submission again names the same run, never a second one. */
  submit: (body: SubmitBody, idempotencyKey?: string): Promise<Run> =>
    call('POST', '/runs', body, undefined, idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}),
  run: (id: string, signal?: AbortSignal): Promise<Run> =>
    call('GET', `/runs/${encodeURIComponent(id)}`, undefined, signal),
  logs: (id: string, signal?: AbortSignal): Promise<RunLogs> =>
    call('GET', `/runs/${encodeURIComponent(id)}/logs`, undefined, signal),
  /** What was submitted: code, stdin, files, tests, compare, limits (the run page's Reproduce and curl). */
  input: (id: string, signal?: AbortSignal): Promise<RunInputView> =>
    call('GET', `/runs/${encodeURIComponent(id)}/input`, undefined, signal),
  cancel: (id: string): Promise<Run> => call('DELETE', `/runs/${encodeURIComponent(id)}`),
  list: (
    q: { status?: RunStatus | ''; language?: string; limit?: number; cursor?: string | null },
    signal?: AbortSignal,
  ): Promise<RunPage> => {
    const p = new URLSearchParams();
    if (q.status) p.set('status', q.status);
    if (q.language) p.set('language', q.language);
    if (q.limit) p.set('limit', String(q.limit));
    if (q.cursor) p.set('cursor', q.cursor);
    const qs = p.toString();
    return call('GET', `/runs${qs ? `?${qs}` : ''}`, undefined, signal);
  },
  system: (signal?: AbortSignal): Promise<SystemStatus> => call('GET', '/system/status', undefined, signal),
  /** The OpenAPI 3.1 document of the native API (the API reference page renders it). */
  openApi: (): Promise<OpenApiDoc> => call('GET', '/openapi.json'),
};

let languagesOnce: Promise<LanguagesResponse> | null = null;
/** The language list and limits, fetched once per page load (retried after a failure). */
export function languages(): Promise<LanguagesResponse> {
  languagesOnce ??= api.languages().catch((err: unknown) => {
    languagesOnce = null;
    throw err;
  });
  return languagesOnce;
}

/** Drops the fetched language list (the API key changed: the next page asks again, with the new key). */
export function forgetLanguages(): void {
  languagesOnce = null;
}

/** Failures worth another try: nothing reached the API, or the API could not reach Temporal. */
export const isTransient = (err: unknown): boolean =>
  err instanceof ApiError && (err.status === 0 || err.status === 503 || err.status === 502 || err.status === 504);

/**
 * Submits with an idempotency key and retries transient failures (a busy Temporal, a dropped connection):
 * the key makes a retry of a submission that did get through return that same run.
 */
export async function submitWithRetry(body: SubmitBody, idempotencyKey: string, tries = 4): Promise<Run> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await api.submit(body, idempotencyKey);
    } catch (err) {
      if (attempt >= tries || !isTransient(err)) throw err;
      await new Promise((r) => setTimeout(r, 500 * 2 ** (attempt - 1)));
    }
  }
}
