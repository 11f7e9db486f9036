import type { Database } from '@twofold/db';
import type { TwofoldContext } from '../context.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { and, desc, eq, gt, isNull, ne } from 'drizzle-orm';
import { openSession, sessions, type OpeningEvent, type Transaction } from '@twofold/db';
import {
  randomToken,
  sha256Hex,
  type AuthMethodReference,
  type SessionInfo,
} from '@twofold/mfa-core';

/** lastSeenAt is written at most this often, so reads stay reads; idle expiry is exact to within it. */
const TOUCH_INTERVAL_MS = 60_000;

export interface StartSession {
  userId: string;
  aal: 1 | 2;
  amr: AuthMethodReference[];
  scope?: 'full' | 'enroll_only';
}

export type ResolvedSession = NonNullable<
  Awaited<ReturnType<ReturnType<typeof createSessions>['resolve']>>
>;

/**
 * Server-side sessions. The cookie carries a 256-bit token; the row keeps only its SHA-256.
 * A new sign-in always creates a new row (the id rotates) and revokes the one the browser had.
 */
export function createSessions(context: TwofoldContext) {
  const { db, queries, config, cookieJar } = context;

  return {
    /**
     * A new session's row and cookie token, before anything is written: the caller inserts the
     * row (in its own statement, with the previous session revoked) and then sets the cookie.
     */
    draft(request: FastifyRequest, { userId, aal, amr, scope = 'full' }: StartSession) {
      const token = randomToken(32);
      const now = context.now();
      const previous = cookieJar.read(request, 'session');
      return {
        token,
        previousTokenHash: previous ? sha256Hex(previous) : null,
        row: {
          tokenHash: sha256Hex(token),
          userId,
          aal,
          amr,
          scope,
          ip: request.ip,
          userAgent: request.headers['user-agent']?.slice(0, 512) ?? null,
          createdAt: now,
          lastSeenAt: now,
          expiresAt: new Date(now.getTime() + config.sessionAbsoluteMs),
        },
      };
    },

    setCookie(reply: FastifyReply, token: string) {
      cookieJar.set(reply, 'session', token, Math.floor(config.sessionAbsoluteMs / 1000));
    },

    /**
     * Creates the session row, revokes the one the browser presented and records `events`, in
     * one statement; then sets the cookie. Answers the new session's id.
     */
    async start(
      request: FastifyRequest,
      reply: FastifyReply,
      options: StartSession,
      events: OpeningEvent[] = [],
    ) {
      const { token, previousTokenHash, row } = this.draft(request, options);
      const session = await openSession(db, {
        userId: row.userId,
        now: row.createdAt,
        ip: row.ip,
        userAgent: row.userAgent,
        session: row,
        previousTokenHash,
        events,
      });
      this.setCookie(reply, token);
      return session;
    },

    /** The live session behind the request's cookie, with its user; null if none or expired. */
    async resolve(request: FastifyRequest) {
      const token = cookieJar.read(request, 'session');
      if (!token) return null;
      const row = await queries.sessionByTokenHash.execute({ tokenHash: sha256Hex(token) });
      if (!row || row.revokedAt) return null;
      const now = context.now();
      const lastSeen = row.lastSeenAt.getTime();
      if (row.expiresAt <= now || lastSeen + config.sessionIdleMs <= now.getTime()) return null;
      if (now.getTime() - lastSeen >= TOUCH_INTERVAL_MS) {
        await queries.touchSession.execute({ id: row.id, now });
      }
      return row;
    },

    /** Ends the request's session, if any (recorded as `logout`), and clears its cookie. */
    async signOut(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      const session = await this.resolve(request);
      if (session) {
        await this.revoke(session.id);
        await context.securityEvents.record({ type: 'logout', userId: session.userId, request });
      }
      cookieJar.clear(reply, 'session');
    },

    async revoke(sessionId: string) {
      await db
        .update(sessions)
        .set({ revokedAt: context.now() })
        .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
    },

    /** Ends every live session of the user (but `exceptId`, when given); returns how many. */
    async revokeAll(userId: string, exceptId?: string, tx: Transaction | Database = db) {
      const rows = await tx
        .update(sessions)
        .set({ revokedAt: context.now() })
        .where(
          and(
            eq(sessions.userId, userId),
            isNull(sessions.revokedAt),
            exceptId ? ne(sessions.id, exceptId) : undefined,
          ),
        )
        .returning({ id: sessions.id });
      return rows.length;
    },

    /** Raises the session after a second factor was added in it (or MFA was turned on). */
    async elevate(sessionId: string, amr: AuthMethodReference[], tx: Transaction | Database = db) {
      await tx
        .update(sessions)
        .set({ aal: 2, amr, scope: 'full' })
        .where(eq(sessions.id, sessionId));
    },

    /** Opens the step-up window. */
    async markReauthenticated(sessionId: string) {
      const now = context.now();
      await db.update(sessions).set({ reauthenticatedAt: now }).where(eq(sessions.id, sessionId));
      return now;
    },

    /** The user's live sessions, most recently used first. */
    async list(userId: string) {
      const now = context.now();
      const rows = await db
        .select()
        .from(sessions)
        .where(
          and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)),
        )
        .orderBy(desc(sessions.lastSeenAt));
      return rows.filter((row) => row.lastSeenAt.getTime() + config.sessionIdleMs > now.getTime());
    },

    async revokeForUser(userId: string, sessionId: string): Promise<boolean> {
      const rows = await db
        .update(sessions)
        .set({ revokedAt: context.now() })
        .where(
          and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt)),
        )
        .returning({ id: sessions.id });
      return rows.length === 1;
    },

    toInfo(session: {
      id: string;
      aal: number;
      amr: string[];
      scope: string;
      createdAt: Date;
      reauthenticatedAt: Date | null;
    }): SessionInfo {
      return {
        id: session.id,
        aal: session.aal === 2 ? 2 : 1,
        amr: session.amr,
        scope: session.scope === 'enroll_only' ? 'enroll_only' : 'full',
        createdAt: session.createdAt.toISOString(),
        reauthenticatedAt: session.reauthenticatedAt?.toISOString() ?? null,
      };
    },
  };
}
