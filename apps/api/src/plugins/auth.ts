import fp from 'fastify-plugin';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { appError } from '../errors.js';
import { addRouteHook } from '../route-hooks.js';
import type { OpenChallenge } from '../services/challenges.js';
import type { ResolvedSession } from '../services/sessions.js';

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
    /** The session, on routes that require one. */
    auth: ResolvedSession | null;
    /** The open challenge, on 'challenge' routes. */
    challenge: OpenChallenge | null;
    /**
     * Step-up was passed only as the account's first factor (FIRST_FACTOR_GRACE_MS): enrollment
     * checks again, under the account's row lock, that no other factor became active meanwhile.
     */
    firstFactorOnly: boolean;
    /** Step-up was proven on this very request by its X-TOTP-Code header (a code just spent). */
    stepUpByHeader: boolean;
  }
}

/** The session of a route that required one (the auth hook guarantees it). */
export function sessionOf(request: FastifyRequest): ResolvedSession {
  if (!request.auth) throw appError('UNAUTHENTICATED');
  return request.auth;
}

const authPlugin: FastifyPluginAsync = async (app) => {
  app.decorateRequest('auth', null);
  app.decorateRequest('challenge', null);
  app.decorateRequest('firstFactorOnly', false);
  app.decorateRequest('stepUpByHeader', false);

  const authenticate = async (request: FastifyRequest) => {
    const mode = request.routeOptions.config.auth ?? 'session';
    if (mode === 'public') return;

    if (mode === 'challenge') {
      const token = app.cookieJar.read(request, 'challenge');
      const challenge = token ? await app.challenges.findOpen(token, 'mfa') : undefined;
      if (!challenge) throw appError('CHALLENGE_REQUIRED');
      request.challenge = challenge;
      return;
    }

    const session = await app.sessions.resolve(request);
    if (!session) throw appError('UNAUTHENTICATED');
    if (mode !== 'enroll' && session.scope !== 'full') throw appError('MFA_SETUP_REQUIRED');
    if (mode === 'admin' && session.role !== 'admin') throw appError('FORBIDDEN');
    request.auth = session;
  };

  // After body validation, so a step-up route still answers bad input with a 400.
  const stepUp = async (request: FastifyRequest) => {
    const mode = request.routeOptions.config.stepUp;
    if (!mode) return;
    const session = sessionOf(request);
    const now = app.now().getTime();
    const fresh =
      session.reauthenticatedAt !== null &&
      now - session.reauthenticatedAt.getTime() < STEP_UP_WINDOW_MS;
    if (fresh) return;
    const firstFactor =
      mode === 'add_factor' &&
      !session.mfaEnabled &&
      now - session.createdAt.getTime() < FIRST_FACTOR_GRACE_MS;
    if (firstFactor) {
      request.firstFactorOnly = true;
      return;
    }
    const header = request.headers['x-totp-code'];
    if (typeof header === 'string' && header.length > 0) {
      await app.secondFactor.verifyStepUpHeader(session.userId, header, request, session.createdAt);
      request.stepUpByHeader = true;
      return;
    }
    throw appError('STEP_UP_REQUIRED');
  };

  // Each route carries the hooks its mode needs. The hooks read the mode again at request
  // time, so a plugin that makes a route public after this (docs, the SPA) is still honoured.
  app.addHook('onRoute', (route) => {
    if ((route.config?.auth ?? 'session') !== 'public')
      addRouteHook(route, 'onRequest', authenticate);
    if (route.config?.stepUp) addRouteHook(route, 'preHandler', stepUp);
  });
};

export default fp(authPlugin, { name: 'auth', dependencies: ['services'] });
