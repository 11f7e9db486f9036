import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { RevokeSessionsResponse, SessionIdParams, SessionListResponse } from '@twofold/mfa-core';
import { appError } from '../errors.js';
import { sessionOf } from '../plugins/auth.js';

/**
 * The user's signed-in sessions: list them, end one, or end every other one. Sessions are
 * server-side rows, so a revoked cookie gets a 401 on its very next request.
 */
const sessionListRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { sessions, factors, securityEvents, cookieJar, db } = app.twofoldContext;

  app.get(
    '/',
    {
      schema: {
        tags: ['sessions'],
        summary: 'List your signed-in sessions, most recently used first',
        response: { 200: SessionListResponse },
      },
    },
    async (request) => {
      const current = sessionOf(request);
      const rows = await sessions.list(current.userId);
      return {
        sessions: rows.map((row) => ({
          id: row.id,
          current: row.id === current.id,
          aal: row.aal === 2 ? (2 as const) : (1 as const),
          amr: row.amr,
          ip: row.ip,
          userAgent: row.userAgent,
          createdAt: row.createdAt.toISOString(),
          lastSeenAt: row.lastSeenAt.toISOString(),
          expiresAt: row.expiresAt.toISOString(),
        })),
      };
    },
  );

  app.delete(
    '/:id',
    {
      config: { stepUp: true },
      schema: {
        tags: ['sessions'],
        summary: 'End one of your sessions (step-up)',
        description:
          'Ending the current session also clears its cookie. Answers 404 NOT_FOUND when the id is ' +
          'not one of your live sessions.',
        params: SessionIdParams,
        response: { 200: RevokeSessionsResponse },
      },
    },
    async (request, reply) => {
      const current = sessionOf(request);
      const { id } = request.params;
      // Only a live session counts: an expired or already-ended one is "not found".
      const live = (await sessions.list(current.userId)).some((row) => row.id === id);
      if (!live || !(await sessions.revokeForUser(current.userId, id))) {
        throw appError('NOT_FOUND', undefined, 'That session was not found or has already ended.');
      }
      const isCurrent = id === current.id;
      if (isCurrent) cookieJar.clear(reply, 'session');
      await securityEvents.record({
        type: 'session.revoked',
        userId: current.userId,
        request,
        metadata: { sessionId: id, current: isCurrent },
      });
      return { revoked: 1 };
    },
  );

  app.delete(
    '/',
    {
      config: { stepUp: true },
      schema: {
        tags: ['sessions'],
        summary: 'End every session except this one (step-up)',
        description:
          'Also cancels every pending (unconfirmed) MFA enrollment, whichever session began it.',
        response: { 200: RevokeSessionsResponse },
      },
    },
    async (request) => {
      const current = sessionOf(request);
      // A pending factor may have been started by one of the sessions being ended: its secret is
      // known there, so it must not live on to be confirmed later.
      const revoked = await db.transaction(async (tx) => {
        const ended = await sessions.revokeAll(current.userId, current.id, tx);
        await factors.removePending(current.userId, tx);
        return ended;
      });
      await securityEvents.record({
        type: 'session.revoked',
        userId: current.userId,
        request,
        metadata: { count: revoked, others: true },
      });
      return { revoked };
    },
  );
};

export default sessionListRoutes;
