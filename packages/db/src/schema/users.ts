import { relations, sql } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { backupCodes } from './backup-codes.js';
import { emailCodes } from './email-codes.js';
import { loginChallenges } from './login-challenges.js';
import { mfaFactors } from './mfa-factors.js';
import { securityEvents } from './security-events.js';
import { sessions } from './sessions.js';
import { trustedDevices } from './trusted-devices.js';

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Stored trimmed and lower-cased; the unique index on lower(email) also guards raw SQL writers. */
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    emailVerifiedAt: timestamp('email_verified_at', { withTimezone: true }),
    role: text('role').notNull().default('user'),
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true })
      .notNull()
      .defaultNow(),
    /** Second-factor failures in a row, across all challenges and IPs (reset on success). */
    mfaFailedAttempts: integer('mfa_failed_attempts').notNull().default(0),
    mfaLockedUntil: timestamp('mfa_locked_until', { withTimezone: true }),
    /**
     * Wrong mailbox codes in a row (registration and email-change codes), across every code
     * mailed: a fresh code brings 5 tries of its own, this count does not start again.
     */
    codeFailedAttempts: integer('code_failed_attempts').notNull().default(0),
    codeLockedUntil: timestamp('code_locked_until', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true })
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [
    uniqueIndex('users_email_lower_key').on(sql`lower(${t.email})`),
    index('users_role_idx').on(t.role),
    check('users_role_check', sql`${t.role} in ('user', 'admin')`),
    check('users_mfa_failed_attempts_check', sql`${t.mfaFailedAttempts} >= 0`),
    check('users_code_failed_attempts_check', sql`${t.codeFailedAttempts} >= 0`),
    // The retention sweep finds accounts never verified by their creation time.
    index('users_unverified_created_idx')
      .on(t.createdAt)
      .where(sql`${t.emailVerifiedAt} is null`),
  ],
);

export const usersRelations = relations(users, ({ many }) => ({
  sessions: many(sessions),
  loginChallenges: many(loginChallenges),
  mfaFactors: many(mfaFactors),
  backupCodes: many(backupCodes),
  emailCodes: many(emailCodes),
  trustedDevices: many(trustedDevices),
  securityEvents: many(securityEvents),
}));

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
