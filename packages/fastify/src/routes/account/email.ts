import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { eq } from 'drizzle-orm';
import { accounts, members } from '@twofold/db';
import {
  ChangeEmailBody,
  ConfirmEmailChangeBody,
  EmailChangedResponse,
  EmailChangePendingResponse,
} from '@twofold/mfa-core';
import { appError, isAppError, isUniqueViolation, type AppError } from '../../errors.js';
import { sessionOf } from '../../plugins/auth.js';
import { codeTimes } from '../../services/email-codes.js';
import { normalizeEmail } from '../../services/users.js';

export const EMAIL_CHANGE_CODE_TTL_MS = 15 * 60_000;

/**
 * Changing the account's email: step-up, then a code sent to the new address, which changes
 * only once that code comes back. An address that belongs to another account gets the very
 * same answer, but its code is never sent (its owner is told instead), so the answer never
 * reveals whether an account exists. The old address is told when the change is made.
 */
const accountEmailRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { templates } = app.twofoldContext;
  const {
    users: userService,
    emailCodes,
    securityEvents,
    notifications,
    throttle,
    db,
  } = app.twofoldContext;

  app.post(
    '/email',
    {
      // Mail to an address someone typed: the per-IP limit of the sign-in routes.
      config: { stepUp: true, authRateLimit: true },
      schema: {
        tags: ['account'],
        summary: 'Change your email address (step-up): emails a 6-digit code to the new address',
        description:
          'The address changes when the code comes back (POST /api/account/email/verify, within ' +
          '15 minutes). Asking again voids the previous code (after 60 seconds: 429 ' +
          'RESEND_TOO_SOON with retryAfter). The current address is 400 EMAIL_UNCHANGED.',
        body: ChangeEmailBody,
        response: { 200: EmailChangePendingResponse },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const email = normalizeEmail(request.body.email);
      if (email === normalizeEmail(session.email)) throw appError('EMAIL_UNCHANGED');

      const owner = await userService.findByEmail(email);
      // Mail first: if it fails, this answer fails exactly as a real code's would. One notice
      // an hour per address (and one timeline event with it), so nobody floods the owner.
      const noticed = owner
        ? await notifications.noticeOnce(
            owner.email,
            'email_change_attempt',
            templates.emailChangeAttempt(),
          )
        : false;
      const issued = await emailCodes.issue({
        userId: session.userId,
        email,
        purpose: 'email_change',
        address: email,
        ttlMs: EMAIL_CHANGE_CODE_TTL_MS,
        decoy: owner !== undefined,
        message: (code) => templates.emailChangeCode(code, EMAIL_CHANGE_CODE_TTL_MS / 60_000),
      });
      await securityEvents.record({
        type: 'email.change_requested',
        userId: session.userId,
        request,
        metadata: { to: email },
      });
      if (owner && noticed) {
        await securityEvents.record({ type: 'email.change_duplicate', userId: owner.id, request });
      }
      return { status: 'verification_required' as const, email, ...codeTimes(issued) };
    },
  );

  app.post(
    '/email/verify',
    {
      config: { authRateLimit: true },
      schema: {
        tags: ['account'],
        summary: 'Confirm the new email address with the code sent to it',
        description:
          'A wrong code is 400 INVALID_CODE with attemptsLeft (5 tries), no change pending or a ' +
          'code past its time is 400 CODE_EXPIRED, and an address another account took in the ' +
          'meantime is 409 EMAIL_TAKEN. Every live emailed code of the account (they went to ' +
          'the old address) stops working. Wrong codes are also counted per account across every ' +
          'code: from the 5th in a row each try waits (429 VERIFICATION_LOCKED with retryAfter), ' +
          'and after 20 only a password reset starts the count again.',
        body: ConfirmEmailChangeBody,
        response: { 200: EmailChangedResponse },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const userId = session.userId;
      // Counted per account across every code mailed, before the code is looked at: asking
      // for a fresh code gives 5 tries, this budget of 20 does not start again.
      await throttle.reserveCode(userId);
      const now = app.twofoldContext.now();
      // The code is spent in the transaction that changes the address. A refusal is returned,
      // not thrown, so the wrong-try count it wrote still commits.
      let outcome: { refused: AppError } | { changedTo: string };
      try {
        outcome = await db.transaction(async (tx) => {
          let address: string | null;
          try {
            ({ address } = await emailCodes.check(
              { userId, purpose: 'email_change', code: request.body.code },
              tx,
            ));
          } catch (error) {
            if (isAppError(error)) return { refused: error };
            throw error;
          }
          if (!address) return { refused: appError('CODE_EXPIRED') };
          // The sign-in address first: its unique index refuses an address another account took.
          await tx.update(accounts).set({ email: address }).where(eq(accounts.userId, userId));
          await tx
            .update(members)
            .set({ email: address, emailVerifiedAt: now, updatedAt: now })
            .where(eq(members.id, userId));
          await emailCodes.voidAll(userId, tx);
          await throttle.resetCode(userId, tx);
          return { changedTo: address };
        });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // Another account took the address after the code was sent: this code can never work.
        await emailCodes.voidAll(userId);
        outcome = { refused: appError('EMAIL_TAKEN') };
      }

      if ('refused' in outcome) {
        await securityEvents.record({ type: 'email.change_failed', userId, request });
        throw outcome.refused;
      }
      const from = session.email;
      await securityEvents.record({
        type: 'email.changed',
        userId,
        request,
        metadata: { from, to: outcome.changedTo },
      });
      await notifications.notify(from, templates.emailChanged(outcome.changedTo));
      return {
        status: 'email_changed' as const,
        user: userService.toPublic(
          { id: userId, email: outcome.changedTo, role: session.role, emailVerifiedAt: now },
          session.mfaEnabled,
        ),
      };
    },
  );
};

export default accountEmailRoutes;
