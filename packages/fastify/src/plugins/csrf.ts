import fp from 'fastify-plugin';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { appError } from '../errors.js';
import { addRouteHook } from '../route-hooks.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function ownOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/**
 * State-changing requests from another site are refused. Browsers send `Origin` on every
 * cross-origin POST/PUT/DELETE and `Sec-Fetch-Site` on every request, so either is enough to
 * tell; clients that send neither (curl, server-to-server) are not browsers and carry no
 * ambient cookies by accident.
 */
export function createCsrfCheck(appUrl: string) {
  const allowed = new Set([new URL(appUrl).origin]);
  return async (request: FastifyRequest): Promise<void> => {
    if (SAFE_METHODS.has(request.method)) return;
    const origin = request.headers.origin;
    if (origin !== undefined) {
      if (origin === 'null' || !(allowed.has(origin) || origin === ownOrigin(request))) {
        throw appError('CSRF_REJECTED');
      }
      return;
    }
    const site = request.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none')
      throw appError('CSRF_REJECTED');
  };
}

const csrfPlugin: FastifyPluginAsync = async (app) => {
  const check = createCsrfCheck(app.twofoldContext.config.appUrl);
  // Only routes that take a state-changing method carry the check.
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (methods.some((method) => !SAFE_METHODS.has(method)))
      addRouteHook(route, 'onRequest', check);
  });
};

export default fp(csrfPlugin, { name: 'twofold-csrf', dependencies: ['twofold-config'] });
