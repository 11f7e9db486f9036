import { sql } from 'drizzle-orm';
import { text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { members } from './members.js';
import { twofold } from './twofold.js';
import { userId } from './user-id.js';

/**
 * The built-in accounts' passwords (the standalone product, `accounts: true`): one row per
 * member who signs in with an email address and a password kept by Twofold. An app with
 * accounts of its own leaves this table empty. The id is the member's, made by
 * `gen_random_uuid()` at registration.
 */
export const accounts = twofold.table(
  'accounts',
  {
    userId: userId('user_id')
      .primaryKey()
      .references(() => members.id, { onDelete: 'cascade' }),
    /** The sign-in name, trimmed and lower-cased; the member row holds the same address. */
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true })
      .notNull()
      .defaultNow(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('accounts_email_lower_key').on(sql`lower(${t.email})`)],
);

export type Account = typeof accounts.$inferSelect;
export type NewAccount = typeof accounts.$inferInsert;
