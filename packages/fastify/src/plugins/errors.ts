import fp from 'fastify-plugin';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCodes, type ErrorCode } from '@twofold/mfa-core';
import { errorCodes, isAppError } from '../errors.js';

interface ErrorBody {
  code: string;
  message: string;
  retryAfter?: number;
  attemptsLeft?: number;
  details?: { path: string; message: string }[];
}

function send(reply: FastifyReply, status: number, body: ErrorBody) {
  if (body.retryAfter !== undefined) reply.header('retry-after', String(body.retryAfter));
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

function fromTable(code: ErrorCode, overrides: Partial<ErrorBody> = {}): [number, ErrorBody] {
  const { status, message } = ErrorCodes[code];
  return [status, { code, message, ...overrides }];
}

/** Fastify's own client errors (body parsing, media type, limits) mapped to stable codes. */
function frameworkError(error: FastifyError): [number, ErrorBody] | undefined {
  if (error.validation) {
    const details = error.validation.map((issue) => {
      const params = issue.params as { missingProperty?: string; additionalProperty?: string };
      const property = params.missingProperty ?? params.additionalProperty;
      return {
        path:
          property === undefined ? issue.instancePath || '/' : `${issue.instancePath}/${property}`,
        message:
          params.additionalProperty === undefined
            ? (issue.message ?? 'is invalid')
            : 'is not an allowed property',
      };
    });
    const where = error.validationContext ?? 'request';
    return fromTable('VALIDATION_ERROR', {
      message: `The ${where} is invalid: ${details[0]?.path} ${details[0]?.message}`,
      details,
    });
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return fromTable('PAYLOAD_TOO_LARGE');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return fromTable('UNSUPPORTED_MEDIA_TYPE');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return fromTable('INVALID_JSON');
  }
  if (error instanceof SyntaxError) return fromTable('INVALID_JSON');
  if (error.statusCode === 429) return fromTable('RATE_LIMITED');
  if (error.statusCode === 413) return fromTable('PAYLOAD_TOO_LARGE');
  if (error.statusCode === 415) return fromTable('UNSUPPORTED_MEDIA_TYPE');
  if (error.statusCode === 404) return fromTable('NOT_FOUND');
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return fromTable('VALIDATION_ERROR', { message: 'The request could not be processed.' });
  }
  return undefined;
}

/**
 * Driver-level codes (postgres.js and Node's sockets) and PostgreSQL SQLSTATEs meaning the
 * database cannot be reached right now, rather than that the request was wrong.
 */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up or shutting down)
  '53300', // too_many_connections
]);

/** Drizzle wraps driver errors in `cause`; the connection failure sits somewhere down the chain. */
const databaseUnavailableCode = (error: unknown): string | undefined =>
  errorCodes(error).find((code) => UNREACHABLE_CODES.has(code) || code.startsWith('08'));

/** Seconds a client is asked to wait before retrying while the database is away. */
const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * Every error leaves as `{ code, message }` with a stable code. 4xx carry their message;
 * 5xx are logged in full and answered with a generic message, never a stack.
 */
const errorsPlugin: FastifyPluginAsync = async (app) => {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isAppError(error)) {
      const [status, body] = fromTable(error.code, { message: error.message, ...error.extras });
      if (status >= 500) request.log.error({ err: error }, 'request failed');
      return send(reply, status, body);
    }
    const mapped = frameworkError(error);
    if (mapped) return send(reply, ...mapped);
    const unreachable = databaseUnavailableCode(error);
    if (unreachable) {
      // Only the driver code: a failed query's text and parameters may carry code hashes.
      request.log.warn({ dbError: unreachable }, 'database unavailable');
      return send(
        reply,
        ...fromTable('SERVICE_UNAVAILABLE', { retryAfter: DATABASE_RETRY_AFTER_SECONDS }),
      );
    }
    // A failed query's own message lists its parameters (code hashes among them): log its cause.
    const logged = 'query' in error && error.cause ? error.cause : error;
    request.log.error({ err: logged }, 'unexpected error');
    return send(reply, ...fromTable('INTERNAL_ERROR'));
  });
};

/** `{ code: 'NOT_FOUND' }` for a URL no route answers (under Twofold's prefix, or an app's root). */
export function notFound(request: FastifyRequest, reply: FastifyReply) {
  return send(
    reply,
    ...fromTable('NOT_FOUND', {
      message: `No route for ${request.method} ${request.url.split('?')[0]}`,
    }),
  );
}

export default fp(errorsPlugin, { name: 'twofold-errors' });
