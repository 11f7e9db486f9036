import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  EmptyBody,
  MfaEmailSendResponse,
  ReauthenticateBody,
  ReauthenticateResponse,
  maskEmail,
} from '@twofold/mfa-core';
import { appError } from '../../errors.js';
import { sessionOf, STEP_UP_WINDOW_MS } from '../../plugins/auth.js';

/**
 * Step-up ("sudo"): password plus a current second factor opens a 15-minute window. An
 * enroll-only session (forced setup) may re-authenticate too, so a setup that took longer than
 * the first-factor grace can still finish; the window opens nothing else to it, since every
 * other step-up route needs a full session.
 */
const reauthenticateRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { users, secondFactor, sessions, securityEvents } = app.twofoldContext;

  app.post(
    '/reauthenticate',
    {
      config: { auth: 'enroll' },
      schema: {
        tags: ['auth'],
        summary: 'Confirm it is you: password, plus a current second factor when MFA is on',
        body: ReauthenticateBody,
        response: { 200: ReauthenticateResponse },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const { password, method, code } = request.body;
      // The built-in account's hash, or the app's own check (options.users.verifyPassword).
      const verified = await users.verifyPassword(session.userId, password);
      const user = verified ? await users.findMember(session.userId) : undefined;
      if (!user) {
        await securityEvents.record({
          type: 'step_up.failed',
          userId: session.userId,
          request,
          metadata: { reason: 'password' },
        });
        throw appError('INVALID_CREDENTIALS', undefined, 'The password is not correct.');
      }
      if ((await secondFactor.methodsFor(user.id)).length > 0) {
        if (!method || !code) {
          throw appError(
            'VALIDATION_ERROR',
            undefined,
            'A current second factor (method and code) is required.',
          );
        }
        await secondFactor.verify({ user, method, code, purpose: 'step_up', request });
      }
      const at = await sessions.markReauthenticated(session.id);
      await securityEvents.record({
        type: 'step_up.succeeded',
        userId: user.id,
        request,
        metadata: { method: method ?? 'pwd' },
      });
      return {
        reauthenticatedAt: at.toISOString(),
        expiresAt: new Date(at.getTime() + STEP_UP_WINDOW_MS).toISOString(),
      };
    },
  );

  app.post(
    '/reauthenticate/email',
    {
      config: { auth: 'enroll' },
      schema: {
        tags: ['auth'],
        summary: 'Email a code for re-authentication or for turning MFA off (valid 10 minutes)',
        body: EmptyBody,
        response: { 200: MfaEmailSendResponse },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const sent = await secondFactor.sendEmailCode({
        user: { id: session.userId, email: session.email },
        purpose: 'step_up',
        request,
      });
      return { ...sent, sentTo: maskEmail(session.email) };
    },
  );
};

export default reauthenticateRoutes;
