import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  EmptyBody,
  MfaEmailSendResponse,
  ReauthenticateBody,
  ReauthenticateResponse,
} from '@twofold/mfa-core';
import { appError } from '../../errors.js';
import { templates } from '../../mail/templates.js';
import { sessionOf, STEP_UP_WINDOW_MS } from '../../plugins/auth.js';
import { verifyPassword } from '../../services/passwords.js';
import { LOGIN_CODE_TTL_MS } from './second-step.js';
import { codeTimes } from '../../services/email-codes.js';

/** Step-up ("sudo"): password plus a current second factor opens a 15-minute window. */
const reauthenticateRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { users, secondFactor, sessions, securityEvents } = app;

  app.post(
    '/reauthenticate',
    {
      schema: {
        tags: ['auth'],
        summary: 'Confirm it is you: password, plus a current second factor when MFA is on',
        body: ReauthenticateBody,
        response: { 200: ReauthenticateResponse },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const user = await users.findById(session.userId);
      const { password, method, code } = request.body;
      if (!user || !(await verifyPassword(user.passwordHash, password))) {
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
      schema: {
        tags: ['auth'],
        summary: 'Email a code for re-authentication or for turning MFA off (valid 10 minutes)',
        body: EmptyBody,
        response: { 200: MfaEmailSendResponse },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      if (!(await app.factors.active(session.userId)).some((factor) => factor.type === 'email')) {
        throw appError(
          'FACTOR_NOT_FOUND',
          undefined,
          'Email codes are not set up for this account.',
        );
      }
      const issued = await app.emailCodes.issue({
        userId: session.userId,
        email: session.email,
        purpose: 'step_up',
        ttlMs: LOGIN_CODE_TTL_MS,
        message: (code) => templates.stepUpCode(code, LOGIN_CODE_TTL_MS / 60_000),
      });
      await securityEvents.record({
        type: 'mfa.email_code_sent',
        userId: session.userId,
        request,
        metadata: { purpose: 'step_up' },
      });
      return {
        status: 'sent' as const,
        ...codeTimes(issued),
      };
    },
  );
};

export default reauthenticateRoutes;
