import { relations, sql } from 'drizzle-orm';
import {
  check,
  index,
  jsonb,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { members } from './members.js';
import { twofold } from './twofold.js';
import { userId } from './user-id.js';

export const sessions = twofold.table(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** SHA-256 (hex) of the 256-bit token carried by the cookie; the token itself is never stored. */
    tokenHash: text('token_hash').notNull(),
    userId: userId('user_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    /** Authenticator assurance level: 1 = password only, 2 = password + second factor. */
    aal: smallint('aal').notNull().default(1),
    /** Authentication methods references, e.g. ["pwd", "otp"]. */
    amr: jsonb('amr').$type<string[]>().notNull().default([]),
    /** 'full', or 'enroll_only' when policy requires MFA and the grace period is over. */
    scope: text('scope').notNull().default('full'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    reauthenticatedAt: timestamp('reauthenticated_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('sessions_token_hash_key').on(t.tokenHash),
    index('sessions_user_active_idx')
      .on(t.userId)
      .where(sql`${t.revokedAt} is null`),
    index('sessions_expires_idx').on(t.expiresAt),
    check('sessions_aal_check', sql`${t.aal} in (1, 2)`),
    check('sessions_scope_check', sql`${t.scope} in ('full', 'enroll_only')`),
  ],
);

export const sessionsRelations = relations(sessions, ({ one }) => ({
  user: one(members, { fields: [sessions.userId], references: [members.id] }),
}));

export type Session = typeof sessions.$inferSelect;
export type NewSession = typeof sessions.$inferInsert;
