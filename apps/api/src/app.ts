import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { DbClient } from '@twofold/db';
import twofold, { type Config } from '@twofold/fastify';
import {
  answerHeaders,
  errorsPlugin,
  headersPlugin,
  LIMITS,
  notFound,
  serializeRequest,
} from '@twofold/fastify/internal';
import webPlugin from './plugins/web.js';

export { LIMITS };

/** The standalone product mounts Twofold where the SPA expects it. */
export const API_PREFIX = '/api';

export interface BuildAppOptions {
  config: Config;
  /** A database client owned by the caller; otherwise the app opens (and closes) its own. */
  db?: DbClient;
  now?: () => Date;
  logger?: FastifyServerOptions['logger'];
  /**
   * More routes inside Twofold's scope, their paths under /api (`/auth/x` is /api/auth/x), so
   * they get its hooks (sessions, CSRF, rate limits, errors). An app of its own registers
   * `@twofold/fastify` instead.
   */
  extend?: (app: FastifyInstance) => Promise<void> | void;
}

/** Paths whose values must never reach a log line. */
const REDACT = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-totp-code"]',
  'res.headers["set-cookie"]',
];

export async function buildApp({ config, db, now, logger, extend }: BuildAppOptions) {
  const setAnswerHeaders = answerHeaders(config, API_PREFIX);
  // Logging off means no logger at all: a silent one still builds a child per request.
  const logging =
    logger ?? (config.logLevel === 'silent' ? false : { level: config.logLevel, redact: REDACT });
  const app = Fastify({
    // Request URLs are logged with codes in their query string redacted, whoever's logger it is.
    logger:
      typeof logging === 'object'
        ? { ...logging, serializers: { ...logging.serializers, req: serializeRequest } }
        : logging,
    trustProxy: config.trustProxy,
    bodyLimit: LIMITS.bodyLimit,
    http: { maxHeaderSize: LIMITS.maxHeaderSize },
    routerOptions: { maxParamLength: LIMITS.maxParamLength },
    // Malformed URLs and over-long params answer through our error handler, with a stable
    // `code`, and the headers every answer carries (no hook runs for them).
    frameworkErrors: (error, request, reply) => {
      setAnswerHeaders(request, reply);
      return request.server.errorHandler(error, request, reply);
    },
    requestTimeout: LIMITS.requestTimeoutMs,
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // The product's root: the same headers and error format on every answer, the SPA's too.
  await app.register(errorsPlugin);
  app.setNotFoundHandler(notFound);
  await app.register(headersPlugin, { config, prefix: API_PREFIX });
  // Twofold with its own accounts (registration, password sign-in and reset, email change).
  await app.register(twofold, {
    config,
    db,
    now,
    prefix: API_PREFIX,
    accounts: true,
    routes: extend,
  });
  await app.register(webPlugin, { webDistDir: config.webDistDir });

  await app.ready();
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
