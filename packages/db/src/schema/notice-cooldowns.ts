import { twofold } from './twofold.js';
import { index, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * When a notice of each kind last went to an address (someone tried to sign up with it, to move
 * an account to it): a notice goes out only when the last one of its kind is older than the
 * cooldown, so nobody can use Twofold to flood a mailbox. One row per (address, kind), claimed
 * with one atomic upsert; the retention sweep deletes rows past their window.
 */
export const noticeCooldowns = twofold.table(
  'notice_cooldowns',
  {
    /** The recipient, trimmed and lower-cased. */
    recipient: text('recipient').notNull(),
    kind: text('kind').notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.recipient, t.kind] }),
    index('notice_cooldowns_sent_idx').on(t.sentAt),
  ],
);

export type NoticeCooldown = typeof noticeCooldowns.$inferSelect;
