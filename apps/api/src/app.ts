import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { DbClient } from '@twofold/db';
import type { Config } from './config/config.js';
import { serializeRequest } from './log-redaction.js';
import authPlugin from './plugins/auth.js';
import configPlugin from './plugins/config.js';
import cookiesPlugin from './plugins/cookies.js';
import csrfPlugin from './plugins/csrf.js';
import dbPlugin from './plugins/db.js';
import docsPlugin from './plugins/docs.js';
import errorsPlugin from './plugins/errors.js';
import headersPlugin, { answerHeaders } from './plugins/headers.js';
import mailPlugin from './plugins/mail.js';
import rateLimitPlugin from './plugins/rate-limit.js';
import retentionPlugin from './plugins/retention.js';
import servicesPlugin from './plugins/services.js';
import validationPlugin from './plugins/validation.js';
import webPlugin from './plugins/web.js';
import registerRoutes from './routes/auth/register.js';
import passwordRoutes from './routes/auth/password.js';
import reauthenticateRoutes from './routes/auth/reauthenticate.js';
import secondStepRoutes from './routes/auth/second-step.js';
import sessionRoutes from './routes/auth/session.js';
import accountEmailRoutes from './routes/account/email.js';
import accountPasswordRoutes from './routes/account/password.js';
import adminRoutes from './routes/admin/index.js';
import mailboxRoutes from './routes/dev/mailbox.js';
import mfaRoutes from './routes/mfa/index.js';
import securityEventRoutes from './routes/security/events.js';
import sessionListRoutes from './routes/sessions.js';
import healthRoutes from './routes/health.js';

/** Request limits, declared once: JSON bodies are small, a few KB at most. */
export const LIMITS = {
  bodyLimit: 64 * 1024,
  maxParamLength: 200,
  /**
   * Request line plus every header, in bytes (Node's default, stated here); beyond it Node
   * answers 431. It bounds the URL and the header count too: Node's own header count limit
   * drops extra headers silently rather than refusing the request.
   */
  maxHeaderSize: 16 * 1024,
  requestTimeoutMs: 30_000,
} as const;

export interface BuildAppOptions {
  config: Config;
  /** A database client owned by the caller; otherwise the app opens (and closes) its own. */
  db?: DbClient;
  now?: () => Date;
  logger?: FastifyServerOptions['logger'];
  /**
   * The host application's own routes and plugins, registered after Twofold's, so they get its
   * hooks (sessions, CSRF, rate limits, errors).
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
  const setAnswerHeaders = answerHeaders(config);
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

  await app.register(configPlugin, { config, now });
  await app.register(errorsPlugin);
  await app.register(headersPlugin);
  await app.register(validationPlugin);
  await app.register(dbPlugin, { client: db });
  await app.register(cookiesPlugin);
  await app.register(mailPlugin);
  await app.register(servicesPlugin);
  await app.register(csrfPlugin);
  await app.register(rateLimitPlugin);
  await app.register(authPlugin);
  await app.register(docsPlugin);
  await app.register(retentionPlugin);

  await app.register(
    async (api) => {
      await api.register(healthRoutes);
      await api.register(
        async (auth) => {
          await auth.register(registerRoutes);
          await auth.register(sessionRoutes);
          await auth.register(passwordRoutes);
          await auth.register(secondStepRoutes);
          await auth.register(reauthenticateRoutes);
        },
        { prefix: '/auth' },
      );
      await api.register(mfaRoutes, { prefix: '/mfa' });
      await api.register(sessionListRoutes, { prefix: '/sessions' });
      await api.register(securityEventRoutes, { prefix: '/security' });
      await api.register(accountPasswordRoutes, { prefix: '/account' });
      await api.register(accountEmailRoutes, { prefix: '/account' });
      await api.register(adminRoutes, { prefix: '/admin' });
      if (app.mailer.kind === 'outbox') await api.register(mailboxRoutes, { prefix: '/dev' });
    },
    { prefix: '/api' },
  );
  if (extend) await app.register(async (host) => extend(host));
  await app.register(webPlugin);

  await app.ready();
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
