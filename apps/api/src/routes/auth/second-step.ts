import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  EmptyBody,
  AuthenticatedResponse,
  MfaEmailSendResponse,
  MfaSetupRequiredResponse,
  MfaVerifyBody,
} from '@twofold/mfa-core';
import { Type } from 'typebox';
import { appError } from '../../errors.js';
import { templates } from '../../mail/templates.js';
import { AMR } from '../../services/second-factor.js';
import { codeTimes } from '../../services/email-codes.js';

export const LOGIN_CODE_TTL_MS = 10 * 60_000;

/** The second step of sign-in: only the challenge cookie opens these two routes. */
const secondStepRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const {
    sessions,
    secondFactor,
    cookieJar,
    trustedDevices,
    securityEvents,
    notifications,
    factors,
  } = app;

  app.post(
    '/mfa/verify',
    {
      config: { auth: 'challenge' },
      schema: {
        tags: ['auth'],
        summary: 'Finish sign-in with a TOTP code, an emailed code or a backup code',
        description:
          'Needs the challenge cookie from `POST /api/auth/login`. Failures are counted per account across all ' +
          'challenges: backoff from 5 (`MFA_LOCKED` with `retryAfter`), lockout at 100 (`MFA_LOCKED` without ' +
          '`retryAfter`, until a password reset or an administrator unlocks it).',
        body: MfaVerifyBody,
        response: { 200: Type.Union([AuthenticatedResponse, MfaSetupRequiredResponse]) },
      },
    },
    async (request, reply) => {
      const { user, ...challenge } = request.challenge!;
      const { method, code, trustDevice } = request.body;
      // One statement spends the code, consumes the challenge, opens the session and records
      // it: a failure or a crash in between leaves the code unspent and no session half-made.
      const prepared = await app.signIn.prepare(user, {
        aal: 2,
        amr: ['pwd', AMR[method]],
        mfaEnabled: true,
      });
      const draft = sessions.draft(request, prepared.session);
      await secondFactor.verify(
        { user, method, code, purpose: 'login', challengeId: challenge.id, request },
        {
          challengeId: challenge.id,
          session: draft.row,
          previousTokenHash: draft.previousTokenHash,
          events: [
            { type: 'mfa.verified', metadata: { method } },
            ...app.signIn.openingEvents(prepared),
          ],
        },
      );
      sessions.setCookie(reply, draft.token);
      cookieJar.clear(reply, 'challenge');

      if (trustDevice) {
        const device = await trustedDevices.trust(request, reply, user.id);
        await securityEvents.record({
          type: 'device.trusted',
          userId: user.id,
          request,
          metadata: { deviceId: device.id },
        });
        await notifications.notify(user.email, templates.newTrustedDevice(device.label));
      }
      return app.signIn.answer(user, prepared);
    },
  );

  app.post(
    '/mfa/email',
    {
      config: { auth: 'challenge' },
      schema: {
        tags: ['auth'],
        summary:
          'Email a sign-in code for this challenge (valid 10 minutes; resend after 60 seconds)',
        body: EmptyBody,
        response: { 200: MfaEmailSendResponse },
      },
    },
    async (request) => {
      const { user, ...challenge } = request.challenge!;
      if (!(await factors.active(user.id)).some((factor) => factor.type === 'email')) {
        throw appError(
          'FACTOR_NOT_FOUND',
          undefined,
          'Email codes are not set up for this account.',
        );
      }
      const issued = await app.emailCodes.issue({
        userId: user.id,
        email: user.email,
        purpose: 'login',
        challengeId: challenge.id,
        ttlMs: LOGIN_CODE_TTL_MS,
        message: (code) => templates.signInCode(code, LOGIN_CODE_TTL_MS / 60_000),
      });
      await securityEvents.record({
        type: 'mfa.email_code_sent',
        userId: user.id,
        request,
        metadata: { purpose: 'login' },
      });
      return {
        status: 'sent' as const,
        ...codeTimes(issued),
      };
    },
  );
};

export default secondStepRoutes;
