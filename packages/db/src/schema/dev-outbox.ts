import { twofold } from './twofold.js';
import { index, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Mail kept by the development outbox (used only when SMTP_URL is unset, never in production). */
export const devOutbox = twofold.table(
  'dev_outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    to: text('to').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    html: text('html').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('dev_outbox_created_idx').on(t.createdAt.desc())],
);

export type DevOutboxMessage = typeof devOutbox.$inferSelect;
