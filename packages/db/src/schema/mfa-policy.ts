import { sql } from 'drizzle-orm';
import { boolean, check, integer, text, timestamp } from 'drizzle-orm/pg-core';
import { members } from './members.js';
import { twofold } from './twofold.js';
import { userId } from './user-id.js';

/** One row per role: whether that role must use MFA, and the grace period for enrolling. */
export const mfaPolicy = twofold.table(
  'mfa_policy',
  {
    role: text('role').primaryKey(),
    required: boolean('required').notNull().default(false),
    graceDays: integer('grace_days').notNull().default(7),
    /** When `required` last became true; the grace period counts from here (or sign-up, if later). */
    requiredSince: timestamp('required_since', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true })
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
    updatedBy: userId('updated_by').references(() => members.id, { onDelete: 'set null' }),
  },
  (t) => [
    check('mfa_policy_role_check', sql`${t.role} in ('user', 'admin')`),
    check('mfa_policy_grace_days_check', sql`${t.graceDays} between 0 and 365`),
  ],
);

export type MfaPolicy = typeof mfaPolicy.$inferSelect;
export type NewMfaPolicy = typeof mfaPolicy.$inferInsert;
