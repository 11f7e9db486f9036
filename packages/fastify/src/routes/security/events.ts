import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { securityEvents } from '@twofold/db';
import { SecurityEventsQuery, SecurityEventsResponse, type SecurityEvent } from '@twofold/mfa-core';
import { appError } from '../../errors.js';
import { sessionOf } from '../../plugins/auth.js';

export const DEFAULT_PAGE_SIZE = 20;

/** A keyset position: the (createdAt, id) of the last row of the previous page. */
export interface CursorPosition {
  /** RFC 3339 in UTC with up to microsecond precision, as PostgreSQL stores it. */
  createdAt: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Years 1000-9999 only: PostgreSQL has no year 0, and no stored row lies outside that range.
const TIMESTAMP = /^([1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.\d{1,6})?Z$/;

/** Opaque to clients: base64url of `<createdAt>|<id>`. */
export function encodeCursor({ createdAt, id }: CursorPosition): string {
  return Buffer.from(`${createdAt}|${id}`, 'utf8').toString('base64url');
}

/** The position inside a cursor; a cursor that is not one of ours is a 400, never a 500. */
export function decodeCursor(
  cursor: string,
  { anyId = false }: { anyId?: boolean } = {},
): CursorPosition {
  const invalid = () =>
    appError('VALIDATION_ERROR', undefined, 'The cursor is invalid: use a nextCursor as given.');
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const split = decoded.indexOf('|');
  const createdAt = split > 0 ? decoded.slice(0, split) : undefined;
  const id = split > 0 ? decoded.slice(split + 1) : undefined;
  // Event ids are UUIDs; user ids are the app's own (any text up to 255 characters).
  const validId = anyId ? id && id.length <= 255 : id && UUID.test(id);
  if (!createdAt || !id || !validId) throw invalid();
  const seconds = TIMESTAMP.exec(createdAt)?.[1];
  const parsed = seconds ? new Date(`${seconds}Z`) : undefined;
  // A round trip through Date catches impossible dates (Feb 30), which PostgreSQL would reject.
  if (!parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 19) !== seconds) {
    throw invalid();
  }
  return { createdAt, id };
}

/**
 * The timestamp as text with PostgreSQL's full (microsecond) precision, so a cursor never
 * rounds a row's position and a page boundary neither repeats nor skips a row.
 */
export const preciseTimestamp = (column: AnyPgColumn) =>
  sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export interface EventsPageOptions {
  limit?: number;
  cursor?: string;
}

/** One page of a user's security timeline, newest first, with keyset pagination. */
export async function securityEventsPage(
  app: FastifyInstance,
  userId: string,
  { limit = DEFAULT_PAGE_SIZE, cursor }: EventsPageOptions,
): Promise<{ events: SecurityEvent[]; nextCursor: string | null }> {
  const after = cursor ? decodeCursor(cursor) : undefined;
  const rows = await app.twofoldContext.db
    .select({
      id: securityEvents.id,
      type: securityEvents.type,
      ip: securityEvents.ip,
      userAgent: securityEvents.userAgent,
      metadata: securityEvents.metadata,
      createdAt: securityEvents.createdAt,
      position: preciseTimestamp(securityEvents.createdAt),
    })
    .from(securityEvents)
    .where(
      and(
        eq(securityEvents.userId, userId),
        after
          ? sql`(${securityEvents.createdAt} < ${after.createdAt}::timestamptz
              or (${securityEvents.createdAt} = ${after.createdAt}::timestamptz
                and ${securityEvents.id} > ${after.id}::uuid))`
          : undefined,
      ),
    )
    // The order of the (user_id, created_at desc, id) index, so a page is one index range scan.
    .orderBy(desc(securityEvents.createdAt), asc(securityEvents.id))
    .limit(limit + 1);

  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    events: page.map((row) => ({
      id: row.id,
      type: row.type,
      ip: row.ip,
      userAgent: row.userAgent,
      metadata: row.metadata,
      createdAt: row.createdAt.toISOString(),
    })),
    nextCursor:
      rows.length > limit && last ? encodeCursor({ createdAt: last.position, id: last.id }) : null,
  };
}

/** The signed-in user's own security timeline. */
const securityEventRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/events',
    {
      schema: {
        tags: ['security'],
        summary: 'Your security timeline, newest first',
        description:
          'Keyset pagination: pass `nextCursor` back as `cursor` for the next page; it is null on the ' +
          'last page. A cursor that was not issued by the API is a 400 VALIDATION_ERROR.',
        querystring: SecurityEventsQuery,
        response: { 200: SecurityEventsResponse },
      },
    },
    async (request) => securityEventsPage(app, sessionOf(request).userId, request.query),
  );
};

export default securityEventRoutes;
