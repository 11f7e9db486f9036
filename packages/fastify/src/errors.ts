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

/**
 * The `code`s down an error's `cause` chain (Drizzle wraps the driver's error, which carries the
 * SQLSTATE or the socket error), outermost first.
 */
export function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

/** A unique constraint refused the write (SQLSTATE 23505). */
export const isUniqueViolation = (error: unknown): boolean => errorCodes(error).includes('23505');
