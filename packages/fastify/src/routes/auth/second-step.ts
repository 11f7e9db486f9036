import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  EmptyBody,
  AuthenticatedResponse,
  MfaEmailSendResponse,
  MfaSetupRequiredResponse,
  MfaVerifyBody,
  maskEmail,
} from '@twofold/mfa-core';
import { Type } from 'typebox';
import { AMR } from '../../services/second-factor.js';

/** The second step of sign-in: only the challenge cookie opens these two routes. */
const secondStepRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { templates } = app.twofoldContext;
  const { sessions, secondFactor, cookieJar, trustedDevices, securityEvents, notifications } =
    app.twofoldContext;

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
      const { user, ...challenge } = request.twofoldChallenge!;
      const { method, code, trustDevice } = request.body;
      // One statement spends the code, consumes the challenge, opens the session and records
      // it: a failure or a crash in between leaves the code unspent and no session half-made.
      const prepared = await app.twofoldContext.signIn.prepare(user, {
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
            ...app.twofoldContext.signIn.openingEvents(prepared),
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
      return app.twofoldContext.signIn.answer(user, prepared);
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
      const { user, ...challenge } = request.twofoldChallenge!;
      const sent = await secondFactor.sendEmailCode({
        user,
        purpose: 'login',
        challengeId: challenge.id,
        request,
      });
      // A challenge proves only a password: the address goes back masked, never whole.
      return { ...sent, sentTo: maskEmail(user.email) };
    },
  );
};

export default secondStepRoutes;
