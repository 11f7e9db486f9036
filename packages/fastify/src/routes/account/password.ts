import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { eq } from 'drizzle-orm';
import { accounts } from '@twofold/db';
import { ChangePasswordBody, ChangePasswordResponse } from '@twofold/mfa-core';
import { appError } from '../../errors.js';
import { sessionOf } from '../../plugins/auth.js';
import { hashPassword, passwordWeakness, verifyPassword } from '../../services/passwords.js';

/**
 * Changing the password (step-up, and the current password again). Every other session, every
 * trusted browser and every pending enrollment ends with it, in the same transaction, so an
 * attacker who knew the old password keeps nothing (not even a TOTP secret they started to
 * enroll); the session that made the change stays signed in.
 */
const accountPasswordRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { templates } = app.twofoldContext;
  const {
    users: userService,
    securityEvents,
    notifications,
    trustedDevices,
    factors,
    cookieJar,
    db,
  } = app.twofoldContext;

  app.post(
    '/password',
    {
      // It checks a password, so it gets the same per-IP limit as the sign-in routes.
      config: { stepUp: true, authRateLimit: true },
      schema: {
        tags: ['account'],
        summary: 'Change your password (step-up); ends your other sessions and trusted browsers',
        description:
          'A wrong current password is 401 INVALID_CREDENTIALS; a new password that is too easy to ' +
          'guess is 400 WEAK_PASSWORD.',
        body: ChangePasswordBody,
        response: { 200: ChangePasswordResponse },
      },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      const { currentPassword, newPassword } = request.body;
      const user = await userService.findById(session.userId);
      if (!user) throw appError('UNAUTHENTICATED');
      if (!(await verifyPassword(user.passwordHash, currentPassword))) {
        throw appError('INVALID_CREDENTIALS', undefined, 'The current password is incorrect.');
      }
      const weakness = passwordWeakness(newPassword, user.email);
      if (weakness) throw appError('WEAK_PASSWORD', undefined, weakness);

      const passwordHash = await hashPassword(newPassword);
      const now = app.twofoldContext.now();
      const { sessionsEnded, devicesRevoked } = await db.transaction(async (tx) => {
        await tx
          .update(accounts)
          .set({ passwordHash, passwordChangedAt: now })
          .where(eq(accounts.userId, user.id));
        const ended = await app.twofoldContext.sessions.revokeAll(user.id, session.id, tx);
        await factors.removePending(user.id, tx);
        return {
          sessionsEnded: ended,
          devicesRevoked: await trustedDevices.revokeAll(user.id, tx),
        };
      });
      // This browser's trusted-device cookie now points at a revoked row.
      if (cookieJar.read(request, 'device')) cookieJar.clear(reply, 'device');

      await securityEvents.record({
        type: 'password.changed',
        userId: user.id,
        request,
        metadata: { sessionsEnded, devicesRevoked },
      });
      await notifications.notify(user.email, templates.passwordChanged('change'));
      return { status: 'password_changed' as const };
    },
  );
};

export default accountPasswordRoutes;
