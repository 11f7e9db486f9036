import fp from 'fastify-plugin';
import type {
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  preHandlerAsyncHookHandler,
} from 'fastify';
import type { DbClient, PostgresClient } from '@twofold/db';
import type { Config } from './config/config.js';
import type { TwofoldContext } from './context.js';
import authPlugin, { createGuards } from './plugins/auth.js';
import configPlugin from './plugins/config.js';
import cookiesPlugin from './plugins/cookies.js';
import csrfPlugin, { createCsrfCheck } from './plugins/csrf.js';
import dbPlugin from './plugins/db.js';
import docsPlugin from './plugins/docs.js';
import errorsPlugin, { notFound } from './plugins/errors.js';
import headersPlugin from './plugins/headers.js';
import mailPlugin from './plugins/mail.js';
import rateLimitPlugin from './plugins/rate-limit.js';
import retentionPlugin from './plugins/retention.js';
import servicesPlugin from './plugins/services.js';
import validationPlugin from './plugins/validation.js';
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
import type { TwofoldSession, TwofoldUsers } from './public-types.js';
import type { MailTransport } from './plugins/mail.js';
import type { InitialPolicy } from './services/policy.js';
import type { SignInAnswer } from './services/sign-in.js';
import { remember } from './registry.js';

export const DEFAULT_PREFIX = '/twofold';

export interface TwofoldOptions {
  /** The settings, from the environment with `loadConfig(process.env)` (see DEPLOYMENT.md). */
  config: Config;
  /** A database client owned by the caller; otherwise Twofold opens (and closes) its own. */
  db?: DbClient | PostgresClient;
  /** The clock every service reads (tests); the system clock otherwise. */
  now?: () => Date;
  /** Where Twofold's routes are mounted: `/twofold` unless set (`/api` in the standalone product). */
  prefix?: string;
  /**
   * Twofold's own accounts under `<prefix>/auth` and `<prefix>/account`: registration with email
   * verification, password sign-in and reset, email and password change. The standalone product
   * turns them on; an app with accounts of its own leaves them off.
   */
  accounts?: boolean;
  /**
   * More routes inside Twofold's context, under its prefix, with its hooks: closed unless they
   * declare `config: { auth: 'public' }`, the CSRF check, the per-IP limit under `/auth/`, and
   * its error format.
   */
  routes?: (scope: FastifyInstance) => Promise<void> | void;
  /**
   * The app's own users: how to find one by id (id, email, role) and check their password
   * (for step-up). Required unless `accounts` is on; the app signs its users in with
   * `app.twofold.signIn` after its own password check.
   */
  users?: TwofoldUsers;
  /**
   * The app's own mail transport (a nodemailer transporter, or anything with `sendMail` that
   * rejects when a message is not accepted); otherwise SMTP_URL, or the dev outbox. In
   * production pass `loadConfig(env, { ownMailer: true })`, which then needs no SMTP_URL.
   */
  mailer?: MailTransport;
  /**
   * The MFA policy per role on a fresh database: `{ user: { required: true, graceDays: 7 } }`.
   * It is written once, for a role that has no policy yet; admins change it afterwards
   * (`PUT <prefix>/admin/policy`), and what they set stays.
   */
  policy?: InitialPolicy;
}

/** What Twofold puts on the host's instance: `app.twofold`. */
export interface TwofoldApi {
  /** Where Twofold's routes are mounted. */
  readonly prefix: string;
  /**
   * A preHandler for the host's own routes: a live, fully signed-in session (second step done,
   * or not required), else 401 `UNAUTHENTICATED` (403 `MFA_SETUP_REQUIRED` while a policy holds
   * the account to setting MFA up). State-changing methods are also refused from another site
   * (403 `CSRF_REJECTED`), as Twofold's own routes are. The session is `request.twofoldSession`.
   */
  requireSession: preHandlerAsyncHookHandler;
  /**
   * `requireSession`, then step-up: the identity was confirmed in the last 15 minutes (password
   * or second factor at `<prefix>/auth/reauthenticate`) or the request carries a valid
   * `X-TOTP-Code`; else 403 `STEP_UP_REQUIRED`.
   */
  requireStepUp: preHandlerAsyncHookHandler;
  /**
   * After the app's own password check: opens the session (`authenticated`), or starts the
   * second step (`mfa_required` with the methods, and the challenge cookie), or opens an
   * enroll-only session when policy requires MFA and the grace period is over
   * (`mfa_setup_required`). Trusted browsers, policy and grace periods apply, as in Twofold's
   * own sign-in. Send the answer to the client; the second step continues at
   * `<prefix>/auth/mfa/verify`. An id `options.users.findById` does not know is refused with
   * 401 `INVALID_CREDENTIALS`.
   */
  signIn(request: FastifyRequest, reply: FastifyReply, userId: string): Promise<SignInAnswer>;
  /** Ends the request's session, if any, and clears its cookie (as `<prefix>/auth/logout`). */
  signOut(request: FastifyRequest, reply: FastifyReply): Promise<void>;
}

/** Twofold's own scope: everything but the one decorator stays in here. */
interface ScopeOptions extends Omit<TwofoldOptions, 'prefix' | 'now'> {
  /** Made by the entry below, filled in by the plugins registered here. */
  context: TwofoldContext;
}

const twofoldScope: FastifyPluginAsync<ScopeOptions> = async (app, options) => {
  const { context, config, db, accounts = false, routes } = options;
  const { prefix } = context;
  await app.register(configPlugin, { context });
  await app.register(errorsPlugin);
  // Every answer of this scope is Twofold's: never stored, whatever path the host mounted it at.
  if (!app.hasPlugin('twofold-headers')) await app.register(headersPlugin, { config });
  await app.register(validationPlugin);
  await app.register(dbPlugin, { client: db });
  await app.register(cookiesPlugin);
  await app.register(mailPlugin, { transport: options.mailer });
  await app.register(servicesPlugin);
  if (options.policy) await context.policy.seed(options.policy);
  await app.register(csrfPlugin);
  await app.register(rateLimitPlugin);
  await app.register(authPlugin);
  // A host with its own OpenAPI document (@fastify/swagger) lists Twofold's routes in it.
  if (!app.hasDecorator('swagger')) await app.register(docsPlugin);
  await app.register(retentionPlugin);

  await app.register(
    async (api) => {
      api.setNotFoundHandler(notFound);
      await api.register(healthRoutes);
      await api.register(
        async (auth) => {
          if (accounts) {
            await auth.register(registerRoutes);
            await auth.register(passwordRoutes);
          }
          await auth.register(sessionRoutes, { login: accounts });
          await auth.register(secondStepRoutes);
          await auth.register(reauthenticateRoutes);
        },
        { prefix: '/auth' },
      );
      await api.register(mfaRoutes, { prefix: '/mfa' });
      await api.register(sessionListRoutes, { prefix: '/sessions' });
      await api.register(securityEventRoutes, { prefix: '/security' });
      if (accounts) {
        await api.register(accountPasswordRoutes, { prefix: '/account' });
        await api.register(accountEmailRoutes, { prefix: '/account' });
      }
      await api.register(adminRoutes, { prefix: '/admin' });
      if (context.mailer.kind === 'outbox') await api.register(mailboxRoutes, { prefix: '/dev' });
      if (routes) await api.register(async (scope) => routes(scope));
    },
    { prefix },
  );
};

function publicSession(session: TwofoldSession): TwofoldSession {
  const { id, userId, email, role, aal, amr, scope, createdAt, reauthenticatedAt, mfaEnabled } =
    session;
  return { id, userId, email, role, aal, amr, scope, createdAt, reauthenticatedAt, mfaEnabled };
}

function checkPolicyOption(policy: TwofoldOptions['policy']): void {
  if (policy === undefined) return;
  const fail = (problem: string) => {
    throw new Error(`twofold: options.policy ${problem}`);
  };
  if (typeof policy !== 'object' || policy === null) {
    fail('must be an object such as { user: { required: true, graceDays: 7 } }');
  }
  for (const [role, rule] of Object.entries(policy)) {
    if (role !== 'user' && role !== 'admin') fail(`has an unknown role "${role}" (user or admin)`);
    if (typeof rule?.required !== 'boolean') fail(`${role}.required must be true or false`);
    const days = rule.graceDays;
    if (days !== undefined && !(Number.isInteger(days) && days >= 0 && days <= 365)) {
      fail(`${role}.graceDays must be a whole number of days from 0 to 365`);
    }
  }
}

function checkUsersOption({ accounts, users }: TwofoldOptions): void {
  if (accounts && users) {
    throw new Error(
      'twofold: set either accounts: true (Twofold keeps the accounts) or options.users (the app does), not both',
    );
  }
  if (accounts) return;
  if (
    typeof users !== 'object' ||
    users === null ||
    typeof users.findById !== 'function' ||
    typeof users.verifyPassword !== 'function'
  ) {
    throw new Error(
      "twofold: options.users is required: { findById(id), verifyPassword(id, password) } (or accounts: true for Twofold's own accounts)",
    );
  }
}

function normalizePrefix(prefix: string | undefined): string {
  const value = prefix ?? DEFAULT_PREFIX;
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(value)) {
    throw new Error(
      `twofold: prefix must be a path such as "/twofold" or "/api" (no trailing slash), got ${JSON.stringify(prefix)}`,
    );
  }
  return value;
}

/**
 * Registers Twofold on a host's Fastify 5 instance: its routes under the prefix, in a scope of
 * their own (error handler, validator, hooks and services stay inside it), and one decorator,
 * `app.twofold`, plus `request.twofoldSession` for the host's guarded routes.
 */
const twofold: FastifyPluginAsync<TwofoldOptions> = async (host, options) => {
  if (!options || typeof options.config !== 'object' || options.config === null) {
    throw new Error('twofold: options.config is required (loadConfig(process.env) builds it)');
  }
  const prefix = normalizePrefix(options.prefix);
  if (host.hasDecorator('twofold')) throw new Error('twofold: already registered on this app');
  checkUsersOption(options);
  checkPolicyOption(options.policy);

  // On the host's instance, so its routes can read it after `requireSession`.
  host.decorateRequest('twofoldSession', null);

  // The scope's plugins fill in the rest (see context.ts). The prefix travels in the context:
  // Fastify would apply a `prefix` option to the scope itself.
  const { prefix: _prefix, now, ...rest } = options;
  const start: Partial<TwofoldContext> = {
    config: options.config,
    prefix,
    now: now ?? (() => new Date()),
    log: host.log,
    ...(options.users && { appUsers: options.users }),
  };
  const context = start as TwofoldContext;
  // Awaiting the registration loads the scope and everything in it: the context is built.
  await host.register(twofoldScope, { ...rest, context });

  const guards = createGuards(context);
  const csrf = createCsrfCheck(context.config.appUrl);
  const requireSession = async (request: FastifyRequest, _reply: FastifyReply) => {
    await csrf(request);
    await guards.authenticate(request, 'session');
    // The app sees what TwofoldSession promises, not the row behind it.
    request.twofoldSession = publicSession(request.twofoldSession!);
  };
  const api: TwofoldApi = {
    prefix,
    requireSession,
    async requireStepUp(request, reply) {
      await requireSession(request, reply);
      await guards.stepUp(request, true);
    },
    signIn(request, reply, userId) {
      if (!context.appUsers) {
        throw new Error(
          'twofold: signIn needs options.users (the built-in accounts sign in at /auth/login)',
        );
      }
      // The answer sets cookies and names the user: never stored by a cache, as on Twofold's routes.
      void reply.header('cache-control', 'no-store');
      return context.signIn.forAppUser(request, reply, userId);
    },
    async signOut(request, reply) {
      await context.sessions.signOut(request, reply);
    },
  };
  remember(api, context);
  host.decorate('twofold', api);
};

declare module 'fastify' {
  interface FastifyInstance {
    twofold: TwofoldApi;
  }
  interface FastifyRequest {
    /** The signed-in session, on routes behind `app.twofold.requireSession`; null elsewhere. */
    twofoldSession: TwofoldSession | null;
  }
}

export default fp(twofold, { name: '@twofold/fastify', fastify: '5.x' });
