import type { Database } from '@twofold/db';
import type { TwofoldContext } from '../context.js';
import { and, count, eq, isNull } from 'drizzle-orm';
import { backupCodes, lockUser, type Transaction } from '@twofold/db';
import {
  BACKUP_CODE_COUNT,
  generateBackupCodes,
  hmacSha256Hex,
  normalizeBackupCode,
} from '@twofold/mfa-core';

/**
 * Backup codes: 10 per set, shown once, stored as HMAC-SHA256 with a server key. A code is
 * consumed by one atomic `UPDATE ... WHERE used_at IS NULL RETURNING`, so of N concurrent
 * submissions exactly one succeeds.
 */
export function createBackupCodes(context: TwofoldContext) {
  const { db, config } = context;
  const hash = (userId: string, normalized: string) =>
    hmacSha256Hex(config.codeHmacKey, `backup_code:${userId}:${normalized}`);

  return {
    /** The stored form of what the user typed, or null when it cannot be a backup code. */
    hashOf(userId: string, code: string): string | null {
      const normalized = normalizeBackupCode(code);
      return normalized ? hash(userId, normalized) : null;
    },

    /**
     * A new set replaces the old one (unused old codes stop working). Returns the codes to show
     * once. Replacements for one user take turns on the user's row: without it, concurrent
     * regenerations each delete only the set committed before they started and all insert
     * theirs, leaving several sets live. Callers that already hold the lock (enrollment) pass
     * their transaction; locking it again is free.
     */
    async replace(userId: string, tx?: Transaction): Promise<string[]> {
      if (!tx) return db.transaction((own) => this.replace(userId, own));
      const codes = generateBackupCodes(BACKUP_CODE_COUNT);
      const now = context.now();
      await lockUser(tx, userId);
      await tx.delete(backupCodes).where(eq(backupCodes.userId, userId));
      await tx.insert(backupCodes).values(
        codes.map((code) => ({
          userId,
          codeHash: hash(userId, normalizeBackupCode(code)!),
          createdAt: now,
        })),
      );
      return codes;
    },

    async remaining(userId: string, tx: Transaction | Database = db): Promise<number> {
      const [row] = await tx
        .select({ n: count() })
        .from(backupCodes)
        .where(and(eq(backupCodes.userId, userId), isNull(backupCodes.usedAt)));
      return row?.n ?? 0;
    },
  };
}
