import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import { appError } from '../errors.js';
import type { ResolvedSession } from '../services/sessions.js';

/**
 * What a route needs before its handler runs:
 * - 'session' (the default): a live session of full scope;
 * - 'public': nothing (the handler may still look at cookies itself).
 * Later milestones add the second-step and enroll-only modes. Because 'session' is the
 * default, a route that forgets to declare anything is closed, not open.
 */
export type RouteAuth = 'public' | 'session';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
  interface FastifyRequest {
    /** Set by the auth hook on routes that require a session. */
    auth: ResolvedSession | null;
  }
}

const authPlugin: FastifyPluginAsync = async (app) => {
  app.decorateRequest('auth', null);

  app.addHook('onRequest', async (request) => {
    if (request.is404) return;
    const mode = request.routeOptions.config.auth ?? 'session';
    if (mode === 'public') return;
    const session = await app.sessions.resolve(request);
    if (!session) throw appError('UNAUTHENTICATED');
    if (session.scope !== 'full') throw appError('MFA_SETUP_REQUIRED');
    request.auth = session;
  });
};

export default fp(authPlugin, { name: 'auth', dependencies: ['services'] });
