import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import { createSecretBox } from '@twofold/mfa-core';
import { createBackground } from '../services/background.js';
import { createBackupCodes } from '../services/backup-codes.js';
import { createChallenges } from '../services/challenges.js';
import { createEmailCodes } from '../services/email-codes.js';
import { createEnrollment } from '../services/enrollment.js';
import { createFactors } from '../services/factors.js';
import { createNotifications } from '../services/notifications.js';
import { createPolicy } from '../services/policy.js';
import { createSecondFactor } from '../services/second-factor.js';
import { createSecurityEvents } from '../services/security-events.js';
import { createSessions } from '../services/sessions.js';
import { createSignIn } from '../services/sign-in.js';
import { createThrottle } from '../services/throttle.js';
import { createTrustedDevices } from '../services/trusted-devices.js';
import { createUsers } from '../services/users.js';

declare module 'fastify' {
  interface FastifyInstance {
    users: ReturnType<typeof createUsers>;
    sessions: ReturnType<typeof createSessions>;
    challenges: ReturnType<typeof createChallenges>;
    emailCodes: ReturnType<typeof createEmailCodes>;
    securityEvents: ReturnType<typeof createSecurityEvents>;
    notifications: ReturnType<typeof createNotifications>;
    secretBox: ReturnType<typeof createSecretBox>;
    throttle: ReturnType<typeof createThrottle>;
    backupCodes: ReturnType<typeof createBackupCodes>;
    trustedDevices: ReturnType<typeof createTrustedDevices>;
    factors: ReturnType<typeof createFactors>;
    secondFactor: ReturnType<typeof createSecondFactor>;
    policy: ReturnType<typeof createPolicy>;
    signIn: ReturnType<typeof createSignIn>;
    enrollment: ReturnType<typeof createEnrollment>;
    background: ReturnType<typeof createBackground>;
  }
}

/** Domain services, built once per app from the plugins they stand on. */
const servicesPlugin: FastifyPluginAsync = async (app) => {
  app.decorate('users', createUsers(app));
  app.decorate('sessions', createSessions(app));
  app.decorate('challenges', createChallenges(app));
  app.decorate('emailCodes', createEmailCodes(app));
  app.decorate('securityEvents', createSecurityEvents(app));
  app.decorate('notifications', createNotifications(app));
  app.decorate('secretBox', createSecretBox(app.config.encryptionKeys));
  app.decorate('throttle', createThrottle(app));
  app.decorate('backupCodes', createBackupCodes(app));
  app.decorate('trustedDevices', createTrustedDevices(app));
  app.decorate('factors', createFactors(app));
  app.decorate('secondFactor', createSecondFactor(app));
  app.decorate('policy', createPolicy(app));
  app.decorate('signIn', createSignIn(app));
  app.decorate('enrollment', createEnrollment(app));
  app.decorate('background', createBackground(app));
};

export default fp(servicesPlugin, {
  name: 'services',
  dependencies: ['config', 'db', 'mail', 'cookies'],
});
