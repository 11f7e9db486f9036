import type { ErrorDetail, ErrorResponse } from '@twofold/mfa-core/contracts';
import { ApiError, type ApiErrorCode } from './api-error';

export { ApiError, isApiError } from './api-error';
export type { ApiErrorCode } from './api-error';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  signal?: AbortSignal | undefined;
  headers?: Record<string, string>;
}

/**
 * Sends one JSON request to the API on this origin (the session lives in HttpOnly cookies)
 * and resolves with the parsed body, or rejects with an `ApiError`: never anything else.
 */
export async function apiRequest<T>(
  method: Method,
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        Accept: 'application/json',
        // Only with a body: Fastify refuses an empty body declared as JSON (e.g. on DELETE).
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...options.headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: options.signal,
    });
  } catch (cause) {
    // A cancelled request (TanStack Query aborting a stale fetch) is not a failure to report.
    if (options.signal?.aborted) throw cause;
    throw new ApiError(
      {
        code: 'NETWORK_ERROR',
        message: 'Could not reach the server. Check your connection and try again.',
        status: 0,
      },
      { cause },
    );
  }

  const { parsed, payload } = await readJson(response);

  if (response.ok) {
    if (parsed) return payload as T;
    throw new ApiError({
      code: 'UNEXPECTED_RESPONSE',
      message:
        'The server answered with something other than JSON. Is the API running behind /api?',
      status: response.status,
    });
  }

  if (isErrorResponse(payload)) {
    throw new ApiError({
      code: payload.code as ApiErrorCode,
      message: payload.message,
      status: response.status,
      retryAfter: numberOrUndefined(payload.retryAfter) ?? retryAfterHeader(response),
      attemptsLeft: numberOrUndefined(payload.attemptsLeft),
      details: Array.isArray(payload.details) ? payload.details.filter(isErrorDetail) : undefined,
    });
  }

  // A bare 502/503/504 comes from a proxy in front of an API that is down or restarting.
  const unreachable = response.status === 502 || response.status === 503 || response.status === 504;
  throw new ApiError({
    code: unreachable ? 'NETWORK_ERROR' : 'UNEXPECTED_RESPONSE',
    message: unreachable
      ? 'Could not reach the server. Check your connection and try again.'
      : `The server answered with an unexpected response (HTTP ${response.status}).`,
    status: response.status,
    retryAfter: retryAfterHeader(response),
  });
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) =>
    apiRequest<T>('GET', path, undefined, options),
  post: <T>(path: string, body: unknown = {}, options?: RequestOptions) =>
    apiRequest<T>('POST', path, body, options),
  put: <T>(path: string, body: unknown, options?: RequestOptions) =>
    apiRequest<T>('PUT', path, body, options),
  delete: <T>(path: string, options?: RequestOptions) =>
    apiRequest<T>('DELETE', path, undefined, options),
};

async function readJson(response: Response): Promise<{ parsed: boolean; payload: unknown }> {
  const text = await response.text().catch(() => '');
  // An empty body (204, or a bare 200) is a valid "nothing to say".
  if (!text) return { parsed: true, payload: undefined };
  try {
    return { parsed: true, payload: JSON.parse(text) as unknown };
  } catch {
    return { parsed: false, payload: undefined };
  }
}

function isErrorResponse(value: unknown): value is ErrorResponse {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function isErrorDetail(value: unknown): value is ErrorDetail {
  const detail = value as Partial<ErrorDetail> | null;
  return typeof detail?.path === 'string' && typeof detail.message === 'string';
}

function retryAfterHeader(response: Response): number | undefined {
  const value = response.headers.get('Retry-After');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
