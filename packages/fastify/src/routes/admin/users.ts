import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { and, asc, eq, ilike, inArray, sql } from 'drizzle-orm';
import { members, mfaFactors } from '@twofold/db';
import {
  AdminUserEventsResponse,
  AdminUsersQuery,
  AdminUsersResponse,
  EmptyBody,
  OkResponse,
  SecurityEventsQuery,
  UserIdParams,
  type AdminUser,
  type FactorType,
} from '@twofold/mfa-core';
import { appError } from '../../errors.js';
import { sessionOf } from '../../plugins/auth.js';
import {
  DEFAULT_PAGE_SIZE,
  decodeCursor,
  encodeCursor,
  preciseTimestamp,
  securityEventsPage,
} from '../security/events.js';

/** `q` is matched literally: LIKE's own wildcards in it are escaped. */
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

/** User management: the list with MFA state, a user's timeline, and the MFA reset. */
const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { templates } = app.twofoldContext;
  const {
    users: userService,
    factors,
    policy,
    throttle,
    securityEvents,
    notifications,
    db,
  } = app.twofoldContext;

  async function findUser(id: string) {
    const user = await userService.findMember(id);
    if (!user) throw appError('NOT_FOUND', undefined, 'That user was not found.');
    return user;
  }

  app.get(
    '/users',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'Users with their MFA state, oldest first',
        description:
          '`q` filters by a case-insensitive substring of the email. Keyset pagination: pass ' +
          '`nextCursor` back as `cursor`.',
        querystring: AdminUsersQuery,
        response: { 200: AdminUsersResponse },
      },
    },
    async (request) => {
      const { limit = DEFAULT_PAGE_SIZE, cursor, q } = request.query;
      const after = cursor ? decodeCursor(cursor, { anyId: true }) : undefined;
      const search = q?.trim();
      const rows = await db
        .select({
          id: members.id,
          email: members.email,
          role: members.role,
          emailVerifiedAt: members.emailVerifiedAt,
          createdAt: members.createdAt,
          position: preciseTimestamp(members.createdAt),
        })
        .from(members)
        .where(
          and(
            search ? ilike(members.email, likePattern(search)) : undefined,
            after
              ? sql`(${members.createdAt}, ${members.id}) > (${after.createdAt}::timestamptz, ${after.id}::text)`
              : undefined,
          ),
        )
        .orderBy(asc(members.createdAt), asc(members.id))
        .limit(limit + 1);
      const page = rows.slice(0, limit);

      const active = page.length
        ? await db
            .select({ userId: mfaFactors.userId, type: mfaFactors.type })
            .from(mfaFactors)
            .where(
              and(
                inArray(
                  mfaFactors.userId,
                  page.map((user) => user.id),
                ),
                eq(mfaFactors.status, 'active'),
              ),
            )
            .orderBy(asc(mfaFactors.createdAt))
        : [];
      const rules = await policy.rules();

      const list: AdminUser[] = page.map((user) => {
        const types = active
          .filter((factor) => factor.userId === user.id)
          .map((factor) => (factor.type === 'email' ? 'email' : 'totp') as FactorType);
        const mfaEnabled = types.length > 0;
        return {
          ...userService.toPublic(user, mfaEnabled),
          factors: types,
          createdAt: user.createdAt.toISOString(),
          policyStatus: policy.evaluate(rules.get(user.role), {
            createdAt: user.createdAt,
            mfaEnabled,
          }).status,
        };
      });
      const last = page[page.length - 1];
      return {
        users: list,
        nextCursor:
          rows.length > limit && last
            ? encodeCursor({ createdAt: last.position, id: last.id })
            : null,
      };
    },
  );

  app.get(
    '/users/:id/events',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['admin'],
        summary: "A user's security timeline, newest first",
        params: UserIdParams,
        querystring: SecurityEventsQuery,
        response: { 200: AdminUserEventsResponse },
      },
    },
    async (request) => {
      const user = await findUser(request.params.id);
      return securityEventsPage(app, user.id, request.query);
    },
  );

  app.post(
    '/users/:id/mfa/reset',
    {
      config: { auth: 'admin', stepUp: true },
      schema: {
        tags: ['admin'],
        summary:
          "Reset a user's MFA (step-up): factors, pending enrollments, backup codes, trusted browsers and sessions",
        description:
          'For a user who lost every factor. Audited with the acting admin, and the user is emailed. ' +
          'An admin cannot reset their own MFA here (403 FORBIDDEN): their own MFA follows the ' +
          "same rules as anyone's, in the security settings.",
        params: UserIdParams,
        body: EmptyBody,
        response: { 200: OkResponse },
      },
      // Before the step-up check: re-authenticating would not make this allowed.
      // Compared lower-cased, so no other spelling of a UUID (or any id) reaches their own row.
      preHandler: async (request) => {
        if (request.params.id.toLowerCase() === sessionOf(request).userId.toLowerCase()) {
          throw appError(
            'FORBIDDEN',
            undefined,
            'You cannot reset your own two-factor authentication here. Change it in your security settings.',
          );
        }
      },
    },
    async (request) => {
      const admin = sessionOf(request);
      const target = await findUser(request.params.id);
      // The row's own id, however the path spelled it: never the acting admin's account.
      if (target.id === admin.userId) throw appError('FORBIDDEN');
      const removed = (await factors.list(target.id)).map((factor) => factor.type);

      const sessionsEnded = await db.transaction(async (tx) => {
        // Every factor goes, pending enrollments included: a secret someone started to enroll
        // must not survive the reset.
        await factors.removeAll(target.id, tx);
        return app.twofoldContext.sessions.revokeAll(target.id, undefined, tx);
      });
      await throttle.reset(target.id);

      await securityEvents.record({
        type: 'mfa.admin_reset',
        userId: target.id,
        actorId: admin.userId,
        request,
        metadata: { factorsRemoved: removed, sessionsEnded },
      });
      await notifications.notify(target.email, templates.adminMfaReset());
      return { status: 'ok' as const };
    },
  );
};

export default userRoutes;
