import { sql, type SQL } from 'drizzle-orm';
import type { Database, Transaction } from './client.js';
import { rowsOf } from './queries.js';

type Executor = Database | Transaction;

/** A new session row: what the caller decided, the rest is filled in by the statement. */
export interface NewSession {
  tokenHash: string;
  aal: number;
  amr: string[];
  scope: string;
  expiresAt: Date;
}

/** A security event written with the session, in the same statement. */
export interface OpeningEvent {
  type: string;
  metadata: Record<string, unknown>;
}

export interface SessionOpening {
  session: NewSession;
  /** The session the browser presented, revoked by the new one. */
  previousTokenHash: string | null;
  events: OpeningEvent[];
}

export interface OpeningContext {
  userId: string;
  /** ISO timestamp: the session's creation and last-seen time, and the events' time. */
  now: string;
  ip: string | null;
  userAgent: string | null;
}

/**
 * The CTEs that open a session: `created` inserts it once for each row of `source` (a CTE with
 * a `user_id` column; none, nothing is opened), `revoked` ends the session the browser had and
 * `events` records the events, both only if the session was created.
 */
export function sessionOpeningCtes(
  source: string,
  { session, previousTokenHash, events }: SessionOpening,
  { userId, now, ip, userAgent }: OpeningContext,
): SQL {
  const from = sql.identifier(source);
  return sql`created as (
        insert into twofold.sessions
          (token_hash, user_id, aal, amr, scope, ip, user_agent, created_at, last_seen_at, expires_at)
        select ${session.tokenHash}, user_id, ${session.aal}, ${JSON.stringify(session.amr)}::jsonb,
          ${session.scope}, ${ip}, ${userAgent}, ${now}::timestamptz, ${now}::timestamptz,
          ${session.expiresAt.toISOString()}::timestamptz
        from ${from}
        returning id
      ),
      revoked as (
        update twofold.sessions set revoked_at = ${now}::timestamptz
        where token_hash = ${previousTokenHash} and revoked_at is null
          and exists (select 1 from created)
      ),
      events as (
        insert into twofold.security_events (user_id, type, ip, user_agent, metadata, created_at)
        select ${userId}, e.type, ${ip}, ${userAgent}, e.metadata, ${now}::timestamptz
        from created, jsonb_to_recordset(${JSON.stringify(events)}::jsonb) as e(type text, metadata jsonb)
      )`;
}

/**
 * Opens a session for `userId`: inserts it, revokes the one the browser presented and records
 * the events, in one statement (all of it happens or none). Answers the new session's id.
 */
export async function openSession(
  db: Executor,
  opening: SessionOpening & {
    userId: string;
    now: Date;
    ip: string | null;
    userAgent: string | null;
  },
): Promise<{ id: string }> {
  const context = { ...opening, now: opening.now.toISOString() };
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`with account as (select ${opening.userId}::text as user_id),
      ${sessionOpeningCtes('account', opening, context)}
      select id from created`),
  );
  const [row] = rows;
  if (!row) throw new Error('openSession: no session was created');
  return row;
}
