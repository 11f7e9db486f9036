import { relations, sql } from 'drizzle-orm';
import { index, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { members } from './members.js';
import { twofold } from './twofold.js';
import { userId } from './user-id.js';

export const trustedDevices = twofold.table(
  'trusted_devices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: userId('user_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    /** SHA-256 (hex) of the device cookie's token. */
    tokenHash: text('token_hash').notNull(),
    /** A readable name derived from the User-Agent ("Chrome on Linux"). */
    label: text('label').notNull(),
    ip: text('ip'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('trusted_devices_token_hash_key').on(t.tokenHash),
    index('trusted_devices_user_active_idx')
      .on(t.userId)
      .where(sql`${t.revokedAt} is null`),
    index('trusted_devices_expires_idx').on(t.expiresAt),
  ],
);

export const trustedDevicesRelations = relations(trustedDevices, ({ one }) => ({
  user: one(members, { fields: [trustedDevices.userId], references: [members.id] }),
}));

export type TrustedDevice = typeof trustedDevices.$inferSelect;
export type NewTrustedDevice = typeof trustedDevices.$inferInsert;
