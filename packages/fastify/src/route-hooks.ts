import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';

type RouteHookName = 'onRequest' | 'preValidation' | 'preHandler';
type RouteHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/**
 * Adds `hook` to one route's own hooks, from an `onRoute` hook: a plugin attaches its check to
 * the routes that need it instead of adding a global hook that every request pays for. Route
 * hooks run after the global ones, in the order the plugins were registered.
 */
export function addRouteHook(route: RouteOptions, name: RouteHookName, hook: RouteHook): void {
  const hooks = route as unknown as Record<RouteHookName, unknown>;
  const existing = hooks[name];
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
  hooks[name] = [...list, hook];
}
