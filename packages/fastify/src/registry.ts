import type { TwofoldContext } from './context.js';

/**
 * The context behind each `app.twofold`, kept out of the public types: the standalone product
 * and its tests reach the services through `contextOf` (`@twofold/fastify/internal`).
 */
const contexts = new WeakMap<object, TwofoldContext>();

export function remember(api: object, context: TwofoldContext): void {
  contexts.set(api, context);
}

/** The context behind `app.twofold` (not part of the public API). */
export function contextOf(app: { twofold: object }): TwofoldContext {
  const context = contexts.get(app.twofold);
  if (!context) throw new Error('Twofold is not registered on this instance');
  return context;
}
