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

/** Domain services, built once per app into Twofold's context (they read each other from it). */
const servicesPlugin: FastifyPluginAsync = async (app) => {
  const context = app.twofoldContext;
  context.users = createUsers(context);
  context.sessions = createSessions(context);
  context.challenges = createChallenges(context);
  context.emailCodes = createEmailCodes(context);
  context.securityEvents = createSecurityEvents(context);
  context.notifications = createNotifications(context);
  context.secretBox = createSecretBox(context.config.encryptionKeys);
  context.throttle = createThrottle(context);
  context.backupCodes = createBackupCodes(context);
  context.trustedDevices = createTrustedDevices(context);
  context.factors = createFactors(context);
  context.secondFactor = createSecondFactor(context);
  context.policy = createPolicy(context);
  context.signIn = createSignIn(context);
  context.enrollment = createEnrollment(context);
  context.background = createBackground(context, app);
};

export default fp(servicesPlugin, {
  name: 'twofold-services',
  dependencies: ['twofold-config', 'twofold-db', 'twofold-mail', 'twofold-cookies'],
});
