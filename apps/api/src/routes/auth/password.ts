import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { eq } from 'drizzle-orm';
import { users } from '@twofold/db';
import {
  ForgotPasswordBody,
  ForgotPasswordResponse,
  ResetPasswordBody,
  ResetPasswordResponse,
} from '@twofold/mfa-core';
import { appError, isAppError } from '../../errors.js';
import { templates } from '../../mail/templates.js';
import { hashPassword, passwordWeakness } from '../../services/passwords.js';
import { normalizeEmail } from '../../services/users.js';

export const RESET_CODE_TTL_MS = 15 * 60_000;

const SENT_MESSAGE =
  'If an account exists for that email, a reset code is on its way. It is valid for 15 minutes.';

/**
 * Password reset by an emailed single-use code. Both routes answer the same whether or not the
 * address has an account. A reset ends every session and trusted device, and never signs in:
 * the next sign-in still asks for the second factor when one is enabled.
 */
const passwordRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { users: userService, emailCodes, securityEvents, db, config } = app;

  app.post(
    '/password/forgot',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Email a password reset code (same answer for unknown addresses)',
        body: ForgotPasswordBody,
        response: { 200: ForgotPasswordResponse },
      },
    },
    async (request) => {
      const user = await userService.findByEmail(request.body.email);
      if (user) {
        const link = `${config.appUrl}/reset-password?email=${encodeURIComponent(user.email)}`;
        try {
          await emailCodes.issue({
            userId: user.id,
            email: user.email,
            purpose: 'password_reset',
            ttlMs: RESET_CODE_TTL_MS,
            message: (code) =>
              templates.passwordResetCode(code, RESET_CODE_TTL_MS / 60_000, `${link}&code=${code}`),
          });
          await securityEvents.record({
            type: 'password.reset_requested',
            userId: user.id,
            request,
          });
        } catch (error) {
          // Within the resend cooldown, or mail is down: answering differently would reveal the account.
          if (!isAppError(error)) throw error;
          request.log.warn({ code: error.code }, 'password reset code not sent');
          await securityEvents.record({
            type: 'password.reset_requested',
            userId: user.id,
            request,
            metadata: { sent: false, reason: error.code },
          });
        }
      }
      return { status: 'sent' as const, message: SENT_MESSAGE };
    },
  );

  app.post(
    '/password/reset',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Set a new password with the emailed code; ends every session',
        body: ResetPasswordBody,
        response: { 200: ResetPasswordResponse },
      },
    },
    async (request) => {
      const { email, code, password } = request.body;
      const weakness = passwordWeakness(password, normalizeEmail(email));
      if (weakness) throw appError('WEAK_PASSWORD', undefined, weakness);
      const user = await userService.findByEmail(email);
      if (!user) throw appError('INVALID_CODE');
      const now = app.now();
      // The code is spent in the same transaction that sets the password, so a crash or a lost
      // database leaves both as they were. A refusal is returned, not thrown, so the wrong-try
      // count it wrote still commits.
      const refused = await db.transaction(async (tx) => {
        try {
          await emailCodes.check({ userId: user.id, purpose: 'password_reset', code }, tx);
        } catch (error) {
          if (isAppError(error)) return error;
          throw error;
        }
        const passwordHash = await hashPassword(password);
        await tx
          .update(users)
          .set({
            passwordHash,
            passwordChangedAt: now,
            updatedAt: now,
            emailVerifiedAt: user.emailVerifiedAt ?? now,
            // Proving the mailbox lifts a second-factor lockout; the factor itself stays required.
            mfaFailedAttempts: 0,
            mfaLockedUntil: null,
          })
          .where(eq(users.id, user.id));
        await app.sessions.revokeAll(user.id, undefined, tx);
        await app.trustedDevices.revokeAll(user.id, tx);
        await app.challenges.closeAll(user.id, tx);
        return undefined;
      });
      if (refused) {
        await securityEvents.record({ type: 'password.reset_failed', userId: user.id, request });
        // One answer for every failure, as for an unknown address.
        throw appError('INVALID_CODE');
      }
      await securityEvents.record({ type: 'password.reset', userId: user.id, request });
      await app.notifications.notify(user.email, templates.passwordChanged('reset'));
      return { status: 'password_reset' as const };
    },
  );
};

export default passwordRoutes;
