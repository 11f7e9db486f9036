import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import {
  EmptyBody,
  LoginBody,
  LoginResponse,
  LogoutResponse,
  SessionResponse,
} from '@twofold/mfa-core';
import { appError } from '../../errors.js';
import { sessionOf } from '../../plugins/auth.js';
import { verifyPassword } from '../../services/passwords.js';
import { REGISTRATION_CODE_TTL_MS, REGISTRATION_CODES_PER_HOUR } from './register.js';
import { codeTimes } from '../../services/email-codes.js';

/**
 * Password sign-in (the built-in accounts only: an app with its own calls `app.twofold.signIn`
 * after its own check), sign-out and the current session (always).
 */
const sessionRoutes: FastifyPluginAsyncTypebox<{ login: boolean }> = async (app, { login }) => {
  const { users, sessions, challenges, emailCodes, securityEvents, cookieJar, templates } =
    app.twofoldContext;

  if (login)
    app.post(
      '/login',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['auth'],
          summary: 'Sign in with email and password',
          description:
            'Unknown email and wrong password get the same 401 INVALID_CREDENTIALS. A right password on an ' +
            'unverified account answers `verification_required` and emails a fresh code (at most 5 ' +
            'registration codes per account per hour: past it 429 TOO_MANY_CODES with retryAfter).',
          body: LoginBody,
          response: { 200: LoginResponse },
        },
      },
      async (request, reply) => {
        const account = await users.findForSignIn(request.body.email);
        const ok = await verifyPassword(account?.user.passwordHash, request.body.password);
        if (!account || !ok) {
          await securityEvents.record({
            type: 'login.failed',
            userId: account?.user.id ?? null,
            request,
            metadata: { reason: account ? 'wrong_password' : 'unknown_email' },
          });
          throw appError('INVALID_CREDENTIALS');
        }
        const { user } = account;

        if (!user.emailVerifiedAt) {
          const { token, challenge } = await challenges.create(
            user.id,
            'registration',
            REGISTRATION_CODE_TTL_MS,
            request,
          );
          const issued = await emailCodes.issue({
            userId: user.id,
            email: user.email,
            purpose: 'registration',
            challengeId: challenge.id,
            ttlMs: REGISTRATION_CODE_TTL_MS,
            force: true,
            // Each sign-in would otherwise mail a fresh code with 5 fresh tries, without end.
            hourlyLimit: { max: REGISTRATION_CODES_PER_HOUR, per: 'account' },
            message: (code) => templates.verifyEmail(code, REGISTRATION_CODE_TTL_MS / 60_000),
          });
          cookieJar.set(reply, 'pending', token, REGISTRATION_CODE_TTL_MS / 1000);
          await securityEvents.record({ type: 'login.unverified', userId: user.id, request });
          return {
            status: 'verification_required' as const,
            ...codeTimes(issued),
          };
        }

        // A listed address proved by an earlier verification, on an account made before it was
        // listed: the role follows ADMIN_EMAILS at its next sign-in.
        if (await users.grantListedAdmin(user)) {
          await securityEvents.record({
            type: 'role.granted',
            userId: user.id,
            request,
            metadata: { role: 'admin', via: 'ADMIN_EMAILS' },
          });
          // Read again: the role's MFA policy is the admin one now.
          const promoted = await users.findForSignIn(user.email);
          if (promoted) return app.twofoldContext.signIn.afterPassword(request, reply, promoted);
        }
        return app.twofoldContext.signIn.afterPassword(request, reply, account);
      },
    );

  app.post(
    '/logout',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'End the current session (idempotent)',
        body: EmptyBody,
        response: { 200: LogoutResponse },
      },
    },
    async (request: FastifyRequest, reply) => {
      await sessions.signOut(request, reply);
      return { status: 'signed_out' as const };
    },
  );

  app.get(
    '/session',
    {
      // Not an auth attempt: a signed 256-bit cookie leaves nothing to guess, and the SPA reads
      // the session on every load, so the per-IP auth limit would only lock people out.
      config: { auth: 'enroll', rateLimit: false },
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user and session',
        response: { 200: SessionResponse },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const policy = app.twofoldContext.policy.evaluate(session.policy, {
        createdAt: session.userCreatedAt,
        mfaEnabled: session.mfaEnabled,
      });
      return {
        user: {
          ...users.toPublic(
            {
              id: session.userId,
              email: session.email,
              role: session.role,
              emailVerifiedAt: session.emailVerifiedAt,
            },
            session.mfaEnabled,
          ),
          mfaGraceEndsAt:
            policy.status === 'grace' ? (policy.graceEndsAt?.toISOString() ?? null) : null,
        },
        session: sessions.toInfo(session),
      };
    },
  );
};

export default sessionRoutes;
