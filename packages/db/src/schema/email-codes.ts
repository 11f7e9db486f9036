import { relations, sql } from 'drizzle-orm';
import { check, index, integer, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { loginChallenges } from './login-challenges.js';
import { members } from './members.js';
import { twofold } from './twofold.js';
import { userId } from './user-id.js';

/** Six-digit codes sent by email, bound to (user, purpose, challenge). */
export const emailCodes = twofold.table(
  'email_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: userId('user_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    purpose: text('purpose').notNull(),
    challengeId: uuid('challenge_id').references(() => loginChallenges.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    /** email_change only: the new address, which the code was sent to and which it confirms. */
    address: text('address'),
    attempts: integer('attempts').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** Set when the code was accepted, or voided (a newer code, too many tries, or a reset). */
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [
    // A new code voids the old: at most one live code per user and purpose.
    uniqueIndex('email_codes_live_key')
      .on(t.userId, t.purpose)
      .where(sql`${t.usedAt} is null`),
    index('email_codes_challenge_idx').on(t.challengeId),
    index('email_codes_expires_idx').on(t.expiresAt),
    check(
      'email_codes_purpose_check',
      sql`${t.purpose} in ('registration', 'registration_decoy', 'login', 'step_up', 'password_reset', 'enroll', 'email_change')`,
    ),
    check(
      'email_codes_address_check',
      sql`(${t.purpose} = 'email_change') = (${t.address} is not null)`,
    ),
    check('email_codes_attempts_check', sql`${t.attempts} >= 0`),
  ],
);

export const emailCodesRelations = relations(emailCodes, ({ one }) => ({
  user: one(members, { fields: [emailCodes.userId], references: [members.id] }),
  challenge: one(loginChallenges, {
    fields: [emailCodes.challengeId],
    references: [loginChallenges.id],
  }),
}));

export type EmailCode = typeof emailCodes.$inferSelect;
export type NewEmailCode = typeof emailCodes.$inferInsert;
