import { relations, sql } from 'drizzle-orm';
import { check, index, integer, text, timestamp } from 'drizzle-orm/pg-core';
import { backupCodes } from './backup-codes.js';
import { emailCodes } from './email-codes.js';
import { loginChallenges } from './login-challenges.js';
import { mfaFactors } from './mfa-factors.js';
import { securityEvents } from './security-events.js';
import { sessions } from './sessions.js';
import { trustedDevices } from './trusted-devices.js';
import { twofold } from './twofold.js';
import { userId } from './user-id.js';

/**
 * What Twofold knows of one of the app's users: the row every other table of Twofold hangs
 * from, keyed by the app's own user id (text, whatever the app's id type is).
 *
 * Twofold never reads the app's user table. The app tells Twofold who a user is (`email`,
 * `role`, whether the address is proved) when the user signs in, and the copy here is what
 * codes and notices are mailed to. The per-account failure counts live here too: they are the
 * row that concurrent attempts on one account queue on.
 */
export const members = twofold.table(
  'members',
  {
    /** The app's user id. */
    id: userId('id').primaryKey(),
    /** Stored trimmed and lower-cased. */
    email: text('email').notNull(),
    /** When the address was proved to reach the user; email codes go only to a proved one. */
    emailVerifiedAt: timestamp('email_verified_at', { withTimezone: true }),
    role: text('role').notNull().default('user'),
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
    index('members_email_lower_idx').on(sql`lower(${t.email})`),
    index('members_role_idx').on(t.role),
    check('members_id_check', sql`length(${t.id}) between 1 and 255`),
    check('members_role_check', sql`${t.role} in ('user', 'admin')`),
    check('members_mfa_failed_attempts_check', sql`${t.mfaFailedAttempts} >= 0`),
    check('members_code_failed_attempts_check', sql`${t.codeFailedAttempts} >= 0`),
    // The retention sweep finds accounts never verified by their creation time.
    index('members_unverified_created_idx')
      .on(t.createdAt)
      .where(sql`${t.emailVerifiedAt} is null`),
  ],
);

export const membersRelations = relations(members, ({ many }) => ({
  sessions: many(sessions),
  loginChallenges: many(loginChallenges),
  mfaFactors: many(mfaFactors),
  backupCodes: many(backupCodes),
  emailCodes: many(emailCodes),
  trustedDevices: many(trustedDevices),
  securityEvents: many(securityEvents),
}));

export type Member = typeof members.$inferSelect;
export type NewMember = typeof members.$inferInsert;
