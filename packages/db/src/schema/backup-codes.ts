import { relations, sql } from 'drizzle-orm';
import { index, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { members } from './members.js';
import { twofold } from './twofold.js';
import { userId } from './user-id.js';

export const backupCodes = twofold.table(
  'backup_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: userId('user_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    /** HMAC-SHA256 (hex) of the normalised code, keyed by a server secret outside the database. */
    codeHash: text('code_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [
    // An unused code is unique per user, so consuming it is one `UPDATE ... WHERE used_at IS NULL`.
    uniqueIndex('backup_codes_unused_key')
      .on(t.userId, t.codeHash)
      .where(sql`${t.usedAt} is null`),
    index('backup_codes_user_idx').on(t.userId),
  ],
);

export const backupCodesRelations = relations(backupCodes, ({ one }) => ({
  user: one(members, { fields: [backupCodes.userId], references: [members.id] }),
}));

export type BackupCode = typeof backupCodes.$inferSelect;
export type NewBackupCode = typeof backupCodes.$inferInsert;
