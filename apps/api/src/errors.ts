import createError, { type FastifyErrorConstructor } from '@fastify/error';
import { ErrorCodes, type ErrorCode } from '@twofold/mfa-core';

/** Extra, safe-to-show fields an error may carry to the client. */
export interface ErrorExtras {
  retryAfter?: number;
  attemptsLeft?: number;
}

/**
 * One @fastify/error class per stable code, built once from the shared table in mfa-core,
 * so routes never invent ad-hoc error strings.
 */
const constructors = Object.fromEntries(
  Object.entries(ErrorCodes).map(([code, { status, message }]) => [
    code,
    createError(code, message, status),
  ]),
) as Record<ErrorCode, FastifyErrorConstructor>;

export interface AppError extends Error {
  code: ErrorCode;
  statusCode: number;
  extras?: ErrorExtras;
}

export function appError(code: ErrorCode, extras?: ErrorExtras, message?: string): AppError {
  const error = new constructors[code]() as unknown as AppError;
  if (message) error.message = message;
  if (extras) error.extras = extras;
  return error;
}

export function isAppError(error: unknown): error is AppError {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code in ErrorCodes;
}
