import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import { createChallenges } from '../services/challenges.js';
import { createEmailCodes } from '../services/email-codes.js';
import { createSecurityEvents } from '../services/security-events.js';
import { createSessions } from '../services/sessions.js';
import { createUsers } from '../services/users.js';

declare module 'fastify' {
  interface FastifyInstance {
    users: ReturnType<typeof createUsers>;
    sessions: ReturnType<typeof createSessions>;
    challenges: ReturnType<typeof createChallenges>;
    emailCodes: ReturnType<typeof createEmailCodes>;
    securityEvents: ReturnType<typeof createSecurityEvents>;
  }
}

/** Domain services, built once per app from the plugins they stand on. */
const servicesPlugin: FastifyPluginAsync = async (app) => {
  app.decorate('users', createUsers(app));
  app.decorate('sessions', createSessions(app));
  app.decorate('challenges', createChallenges(app));
  app.decorate('emailCodes', createEmailCodes(app));
  app.decorate('securityEvents', createSecurityEvents(app));
};

export default fp(servicesPlugin, {
  name: 'services',
  dependencies: ['config', 'db', 'mail', 'cookies'],
});
