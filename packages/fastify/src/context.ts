import type { FastifyBaseLogger } from 'fastify';
import type { Database, DbClient, createQueries } from '@twofold/db';
import type { createSecretBox } from '@twofold/mfa-core';
import type { Config } from './config/config.js';
import type { TwofoldUsers } from './public-types.js';
import type { Mailer } from './plugins/mail.js';
import type { Templates } from './mail/templates.js';
import type { CookieJar } from './plugins/cookies.js';
import type { Retention } from './services/retention.js';
import type { createBackground } from './services/background.js';
import type { createBackupCodes } from './services/backup-codes.js';
import type { createChallenges } from './services/challenges.js';
import type { createEmailCodes } from './services/email-codes.js';
import type { createEnrollment } from './services/enrollment.js';
import type { createFactors } from './services/factors.js';
import type { createNotifications } from './services/notifications.js';
import type { createPolicy } from './services/policy.js';
import type { createSecondFactor } from './services/second-factor.js';
import type { createSecurityEvents } from './services/security-events.js';
import type { createSessions } from './services/sessions.js';
import type { createSignIn } from './services/sign-in.js';
import type { createThrottle } from './services/throttle.js';
import type { createTrustedDevices } from './services/trusted-devices.js';
import type { createUsers } from './services/users.js';

/**
 * Everything Twofold's routes and services share, in one object. It hangs off Twofold's own
 * encapsulated Fastify context under one name, so nothing of it reaches the host's instance:
 * a host may have its own `db`, `config` or `users` decorators. The plugin's entry (plugin.ts)
 * starts it with the configuration, prefix, clock and logger; the plugins under plugins/ fill in
 * the rest, in registration order. Services take it as `context` and read their neighbours
 * from it when called, so the order they are built in does not matter.
 */
export interface TwofoldContext {
  config: Config;
  /** Where Twofold's routes are mounted (`/api` in the standalone product). */
  prefix: string;
  /** The clock every service reads; tests replace it (or fake timers drive Date). */
  now: () => Date;
  log: FastifyBaseLogger;
  /** The app's own users (`options.users`); unset when Twofold's built-in accounts serve. */
  appUsers?: TwofoldUsers;
  db: Database;
  dbClient: DbClient;
  queries: ReturnType<typeof createQueries>;
  mailer: Mailer;
  /** The mails, under the app's name. */
  templates: Templates;
  cookieJar: CookieJar;
  secretBox: ReturnType<typeof createSecretBox>;
  users: ReturnType<typeof createUsers>;
  sessions: ReturnType<typeof createSessions>;
  challenges: ReturnType<typeof createChallenges>;
  emailCodes: ReturnType<typeof createEmailCodes>;
  securityEvents: ReturnType<typeof createSecurityEvents>;
  notifications: ReturnType<typeof createNotifications>;
  throttle: ReturnType<typeof createThrottle>;
  backupCodes: ReturnType<typeof createBackupCodes>;
  trustedDevices: ReturnType<typeof createTrustedDevices>;
  factors: ReturnType<typeof createFactors>;
  secondFactor: ReturnType<typeof createSecondFactor>;
  policy: ReturnType<typeof createPolicy>;
  signIn: ReturnType<typeof createSignIn>;
  enrollment: ReturnType<typeof createEnrollment>;
  background: ReturnType<typeof createBackground>;
  retention: Retention;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Twofold's shared context, on Twofold's own encapsulated instance only. */
    twofoldContext: TwofoldContext;
  }
}
