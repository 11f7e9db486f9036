import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { eq } from 'drizzle-orm';
import { accounts, members } from '@twofold/db';
import {
  ForgotPasswordBody,
  ForgotPasswordResponse,
  ResetPasswordBody,
  ResetPasswordResponse,
} from '@twofold/mfa-core';
import { appError, isAppError } from '../../errors.js';
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
  const { templates } = app.twofoldContext;
  const { users: userService, emailCodes, securityEvents, db, config } = app.twofoldContext;

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
      // Answer first, then look the address up: whether an account exists, whether a code is
      // sent (and how long SMTP takes) must not show in the answer's timing. The work is
      // tracked: its errors are logged and a shutdown waits for it.
      const { email } = request.body;
      const log = request.log;
      const context = { ip: request.ip, userAgent: request.headers['user-agent'] };
      app.twofoldContext.background.run('password-reset-code', () =>
        sendResetCode(email, log, context),
      );
      return { status: 'sent' as const, message: SENT_MESSAGE };
    },
  );

  /** Mails a reset code when the address has an account; quietly does nothing otherwise. */
  async function sendResetCode(
    email: string,
    log: FastifyBaseLogger,
    context: { ip: string; userAgent: string | undefined },
  ) {
    const user = await userService.findByEmail(email);
    if (!user) return;
    // The code travels in the fragment, which no server sees: the link's URL is requested from
    // the API (one-port production), and a query string would put the code in its request log.
    const fragment = (code: string) =>
      `#email=${encodeURIComponent(user.email)}&code=${encodeURIComponent(code)}`;
    const request = requestLike(context);
    try {
      await emailCodes.issue({
        userId: user.id,
        email: user.email,
        purpose: 'password_reset',
        ttlMs: RESET_CODE_TTL_MS,
        message: (code) =>
          templates.passwordResetCode(
            code,
            RESET_CODE_TTL_MS / 60_000,
            `${config.appUrl}/reset-password${fragment(code)}`,
          ),
      });
      await securityEvents.record({ type: 'password.reset_requested', userId: user.id, request });
    } catch (error) {
      // Within the resend cooldown, or mail is down: nobody is waiting for an answer.
      if (!isAppError(error)) throw error;
      log.warn({ code: error.code }, 'password reset code not sent');
      await securityEvents.record({
        type: 'password.reset_requested',
        userId: user.id,
        request,
        metadata: { sent: false, reason: error.code },
      });
    }
  }

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
      const now = app.twofoldContext.now();
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
          .update(accounts)
          .set({ passwordHash, passwordChangedAt: now })
          .where(eq(accounts.userId, user.id));
        await tx
          .update(members)
          .set({
            updatedAt: now,
            emailVerifiedAt: user.emailVerifiedAt ?? now,
            // Proving the mailbox starts the mailbox-code count again (it is the same proof).
            // It does not touch the second-factor count: whoever holds the mailbox must not buy
            // 100 fresh guesses per reset (NIST SP 800-63B: 100 failures in a row, ever).
            codeFailedAttempts: 0,
            codeLockedUntil: null,
          })
          .where(eq(members.id, user.id));
        await app.twofoldContext.sessions.revokeAll(user.id, undefined, tx);
        await app.twofoldContext.trustedDevices.revokeAll(user.id, tx);
        await app.twofoldContext.challenges.closeAll(user.id, tx);
        // An enrollment someone started with the old password ends with it.
        await app.twofoldContext.factors.removePending(user.id, tx);
        return undefined;
      });
      if (refused) {
        await securityEvents.record({ type: 'password.reset_failed', userId: user.id, request });
        // One answer for every failure, as for an unknown address.
        throw appError('INVALID_CODE');
      }
      await securityEvents.record({ type: 'password.reset', userId: user.id, request });
      // The reset proved the address: a listed one becomes admin now, as at verification.
      if (await userService.grantListedAdmin(user)) {
        await securityEvents.record({
          type: 'role.granted',
          userId: user.id,
          request,
          metadata: { role: 'admin', via: 'ADMIN_EMAILS' },
        });
      }
      await app.twofoldContext.notifications.notify(user.email, templates.passwordChanged('reset'));
      return { status: 'password_reset' as const };
    },
  );
};

export default passwordRoutes;

/** What security events read from a request, kept past its answer for background work. */
function requestLike(context: { ip: string; userAgent: string | undefined }): FastifyRequest {
  return { ip: context.ip, headers: { 'user-agent': context.userAgent } } as FastifyRequest;
}
