import { relations, sql } from 'drizzle-orm';
import { check, index, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { emailCodes } from './email-codes.js';
import { members } from './members.js';
import { twofold } from './twofold.js';
import { userId } from './user-id.js';

/**
 * A half-finished sign-in: the password step passed ('mfa'), or an account waits for its
 * email to be verified ('registration', or its decoy). The cookie token is stored hashed; the row is
 * consumed once, atomically, when the step completes.
 */
export const loginChallenges = twofold.table(
  'login_challenges',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull(),
    userId: userId('user_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    purpose: text('purpose').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    consumedAt: timestamp('consumed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('login_challenges_token_hash_key').on(t.tokenHash),
    index('login_challenges_user_open_idx')
      .on(t.userId)
      .where(sql`${t.consumedAt} is null`),
    index('login_challenges_expires_idx').on(t.expiresAt),
    // 'registration_decoy': the pending step answered to a sign-up for an address that already
    // has an account; it looks the same from outside but can never complete or send a code.
    check(
      'login_challenges_purpose_check',
      sql`${t.purpose} in ('mfa', 'registration', 'registration_decoy')`,
    ),
  ],
);

export const loginChallengesRelations = relations(loginChallenges, ({ one, many }) => ({
  user: one(members, { fields: [loginChallenges.userId], references: [members.id] }),
  emailCodes: many(emailCodes),
}));

export type LoginChallenge = typeof loginChallenges.$inferSelect;
export type NewLoginChallenge = typeof loginChallenges.$inferInsert;
