import fp from 'fastify-plugin';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { appError } from '../errors.js';
import { addRouteHook } from '../route-hooks.js';
import type { OpenChallenge } from '../services/challenges.js';
import type { ResolvedSession } from '../services/sessions.js';
import type { TwofoldContext } from '../context.js';

/**
 * What a route needs before its handler runs:
 * - 'session' (the default): a live session of full scope;
 * - 'enroll': a live session of any scope (an enroll-only session may set MFA up);
 * - 'admin': a full session of an admin;
 * - 'challenge': an open second-step challenge (the half-finished sign-in), nothing else;
 * - 'public': nothing (the handler may still look at cookies itself).
 * Because 'session' is the default, a route that forgets to declare anything is closed, and a
 * challenge cookie opens only the routes that ask for one.
 */
export type RouteAuth = 'public' | 'session' | 'enroll' | 'admin' | 'challenge';

/** Re-authentication stays valid this long for step-up routes. */
export const STEP_UP_WINDOW_MS = 15 * 60_000;

/**
 * A session younger than this may add the account's FIRST factor without a step-up. Every
 * session is created by a password proof (sign-in, trusted-browser sign-in, second step,
 * sign-up's verification), so setting MFA up right after signing in stays one step; an older
 * session (a stolen cookie, a browser left open) must re-authenticate first.
 */
export const FIRST_FACTOR_GRACE_MS = 10 * 60_000;

/**
 * A route's step-up requirement:
 * - true: a re-authentication newer than STEP_UP_WINDOW_MS, or an X-TOTP-Code header checked
 *   against an active authenticator app;
 * - 'add_factor': the same, except that a session younger than FIRST_FACTOR_GRACE_MS may add
 *   the account's first factor (the account has no active factor yet).
 */
export type StepUp = boolean | 'add_factor';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
    /** Needs a re-authentication newer than 15 minutes, or a valid X-TOTP-Code header. */
    stepUp?: StepUp;
  }
  interface FastifyRequest {
    /** The open challenge, on 'challenge' routes. */
    twofoldChallenge: OpenChallenge | null;
    /**
     * Step-up was passed only as the account's first factor (FIRST_FACTOR_GRACE_MS): enrollment
     * checks again, under the account's row lock, that no other factor became active meanwhile.
     */
    twofoldFirstFactorOnly: boolean;
    /** Step-up was proven on this very request by its X-TOTP-Code header (a code just spent). */
    twofoldStepUpByHeader: boolean;
  }
}

/** The session of a route that required one (the auth hook guarantees it). */
export function sessionOf(request: FastifyRequest): ResolvedSession {
  if (!request.twofoldSession) throw appError('UNAUTHENTICATED');
  // The hook stored the whole resolved row; the public type (public-types.ts) shows less of it.
  return request.twofoldSession as ResolvedSession;
}

/**
 * The checks behind the route modes, built once per context: Twofold's own routes run them
 * through the hooks below, a host's routes through `app.twofold.requireSession` and friends.
 */
export function createGuards(context: TwofoldContext) {
  async function authenticate(request: FastifyRequest, mode: RouteAuth): Promise<void> {
    if (mode === 'public') return;

    if (mode === 'challenge') {
      const token = context.cookieJar.read(request, 'challenge');
      const challenge = token ? await context.challenges.findOpen(token, 'mfa') : undefined;
      if (!challenge) throw appError('CHALLENGE_REQUIRED');
      request.twofoldChallenge = challenge;
      return;
    }

    const session = await context.sessions.resolve(request);
    if (!session) throw appError('UNAUTHENTICATED');
    if (mode !== 'enroll' && session.scope !== 'full') throw appError('MFA_SETUP_REQUIRED');
    if (mode === 'admin' && session.role !== 'admin') throw appError('FORBIDDEN');
    request.twofoldSession = session;
  }

  async function stepUp(request: FastifyRequest, mode: StepUp): Promise<void> {
    if (!mode) return;
    const session = sessionOf(request);
    const now = context.now().getTime();
    const fresh =
      session.reauthenticatedAt !== null &&
      now - session.reauthenticatedAt.getTime() < STEP_UP_WINDOW_MS;
    if (fresh) return;
    const firstFactor =
      mode === 'add_factor' &&
      !session.mfaEnabled &&
      now - session.createdAt.getTime() < FIRST_FACTOR_GRACE_MS;
    if (firstFactor) {
      request.twofoldFirstFactorOnly = true;
      return;
    }
    const header = request.headers['x-totp-code'];
    if (typeof header === 'string' && header.length > 0) {
      await context.secondFactor.verifyStepUpHeader(
        session.userId,
        header,
        request,
        session.createdAt,
      );
      request.twofoldStepUpByHeader = true;
      return;
    }
    throw appError('STEP_UP_REQUIRED');
  }

  return { authenticate, stepUp };
}

/**
 * Twofold's own routes: each carries the hooks its mode needs (`config.auth`, `config.stepUp`).
 * `request.twofoldSession` is decorated by the plugin's entry (plugin.ts), on the host's
 * instance, so a host route can read it too; the others stay in Twofold's scope.
 */
const authPlugin: FastifyPluginAsync = async (app) => {
  app.decorateRequest('twofoldChallenge', null);
  app.decorateRequest('twofoldFirstFactorOnly', false);
  app.decorateRequest('twofoldStepUpByHeader', false);
  const guards = createGuards(app.twofoldContext);
  const authenticate = (request: FastifyRequest) =>
    guards.authenticate(request, request.routeOptions.config.auth ?? 'session');
  // After body validation, so a step-up route still answers bad input with a 400.
  const stepUp = (request: FastifyRequest) =>
    guards.stepUp(request, request.routeOptions.config.stepUp ?? false);

  // Each route carries the hooks its mode needs. The hooks read the mode again at request
  // time, so a plugin that makes a route public after this (docs, the SPA) is still honoured.
  app.addHook('onRoute', (route) => {
    if ((route.config?.auth ?? 'session') !== 'public')
      addRouteHook(route, 'onRequest', authenticate);
    if (route.config?.stepUp) addRouteHook(route, 'preHandler', stepUp);
  });
};

export default fp(authPlugin, { name: 'twofold-auth', dependencies: ['twofold-services'] });
