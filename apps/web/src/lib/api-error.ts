import type { ErrorCode, ErrorDetail } from '@twofold/mfa-core/contracts';

/** Codes the client produces itself, for failures that never reached (or never came back from) the API. */
export type ClientErrorCode = 'NETWORK_ERROR' | 'UNEXPECTED_RESPONSE';

export type ApiErrorCode = ErrorCode | ClientErrorCode;

export interface ApiErrorInit {
  code: ApiErrorCode;
  message: string;
  /** HTTP status; 0 when no answer arrived. */
  status: number;
  /** Seconds until the same request may succeed (rate limits, resend cooldowns). */
  retryAfter?: number;
  /** Wrong guesses left for the code being verified. */
  attemptsLeft?: number;
  /** Per-field problems of a VALIDATION_ERROR. */
  details?: ErrorDetail[] | undefined;
}

/** Every failed request reaches components as this one type, keyed by a stable `code`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly retryAfter: number | undefined;
  readonly attemptsLeft: number | undefined;
  readonly details: ErrorDetail[] | undefined;

  constructor(init: ApiErrorInit, options?: ErrorOptions) {
    super(init.message, options);
    this.code = init.code;
    this.status = init.status;
    this.retryAfter = init.retryAfter;
    this.attemptsLeft = init.attemptsLeft;
    this.details = init.details;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}
