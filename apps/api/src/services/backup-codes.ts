import type { FastifyInstance } from 'fastify';
import { and, count, eq, isNull } from 'drizzle-orm';
import { backupCodes, type Transaction } from '@twofold/db';
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
export function createBackupCodes(app: FastifyInstance) {
  const { db, config } = app;
  const hash = (userId: string, normalized: string) =>
    hmacSha256Hex(config.codeHmacKey, `backup_code:${userId}:${normalized}`);

  return {
    /** The stored form of what the user typed, or null when it cannot be a backup code. */
    hashOf(userId: string, code: string): string | null {
      const normalized = normalizeBackupCode(code);
      return normalized ? hash(userId, normalized) : null;
    },

    /** A new set replaces the old one (unused old codes stop working). Returns the codes to show once. */
    async replace(userId: string, tx: Transaction | FastifyInstance['db'] = db): Promise<string[]> {
      const codes = generateBackupCodes(BACKUP_CODE_COUNT);
      const now = app.now();
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

    async remaining(userId: string, tx: Transaction | FastifyInstance['db'] = db): Promise<number> {
      const [row] = await tx
        .select({ n: count() })
        .from(backupCodes)
        .where(and(eq(backupCodes.userId, userId), isNull(backupCodes.usedAt)));
      return row?.n ?? 0;
    },
  };
}
