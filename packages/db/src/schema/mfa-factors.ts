import { relations, sql } from 'drizzle-orm';
import { bigint, check, index, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { members } from './members.js';
import { sessions } from './sessions.js';
import { twofold } from './twofold.js';
import { userId } from './user-id.js';

export const mfaFactors = twofold.table(
  'mfa_factors',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: userId('user_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    status: text('status').notNull().default('pending'),
    /** TOTP only: AES-256-GCM box of the secret, and the id of the key that sealed it. */
    secretCiphertext: text('secret_ciphertext'),
    secretKeyId: text('secret_key_id'),
    /** TOTP only: the last accepted time step; a code is accepted only for a later step. */
    lastUsedStep: bigint('last_used_step', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    /**
     * Pending only: the session that started the enrollment. Only that session gets the same
     * secret back on a retry; any other starts over with a new one.
     */
    sessionId: uuid('session_id').references(() => sessions.id, { onDelete: 'set null' }),
  },
  (t) => [
    // One active and at most one pending factor of each type per user.
    uniqueIndex('mfa_factors_active_type_key')
      .on(t.userId, t.type)
      .where(sql`${t.status} = 'active'`),
    uniqueIndex('mfa_factors_pending_type_key')
      .on(t.userId, t.type)
      .where(sql`${t.status} = 'pending'`),
    index('mfa_factors_user_idx').on(t.userId),
    // The retention sweep finds pending factors past their life.
    index('mfa_factors_pending_created_idx')
      .on(t.createdAt)
      .where(sql`${t.status} = 'pending'`),
    check('mfa_factors_type_check', sql`${t.type} in ('totp', 'email')`),
    check('mfa_factors_status_check', sql`${t.status} in ('pending', 'active')`),
    check(
      'mfa_factors_totp_secret_check',
      sql`${t.type} <> 'totp' or (${t.secretCiphertext} is not null and ${t.secretKeyId} is not null)`,
    ),
  ],
);

export const mfaFactorsRelations = relations(mfaFactors, ({ one }) => ({
  user: one(members, { fields: [mfaFactors.userId], references: [members.id] }),
}));

export type MfaFactor = typeof mfaFactors.$inferSelect;
export type NewMfaFactor = typeof mfaFactors.$inferInsert;
