import { relations } from 'drizzle-orm';
import { index, jsonb, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { members } from './members.js';
import { twofold } from './twofold.js';
import { userId } from './user-id.js';

/** The audit trail. Metadata never holds a code, a hash or a secret. */
export const securityEvents = twofold.table(
  'security_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Null for events about no known account (e.g. sign-in with an unknown email). */
    userId: userId('user_id').references(() => members.id, { onDelete: 'cascade' }),
    /** The admin who acted, for admin actions. */
    actorId: userId('actor_id').references(() => members.id, { onDelete: 'set null' }),
    type: text('type').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // The per-user timeline (newest first, paginated), and the retention sweep by age. The table
  // takes an insert on nearly every request that changes something, so it carries no other index.
  (t) => [
    index('security_events_user_created_idx').on(t.userId, t.createdAt.desc(), t.id),
    index('security_events_created_idx').on(t.createdAt),
  ],
);

export const securityEventsRelations = relations(securityEvents, ({ one }) => ({
  user: one(members, { fields: [securityEvents.userId], references: [members.id] }),
}));

export type SecurityEvent = typeof securityEvents.$inferSelect;
export type NewSecurityEvent = typeof securityEvents.$inferInsert;
