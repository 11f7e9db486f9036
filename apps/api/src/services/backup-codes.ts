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

    /** Consumes the code; returns how many unused codes remain, or null if it was not a live code. */
    async consume(
      userId: string,
      code: string,
      tx: Transaction | FastifyInstance['db'] = db,
    ): Promise<number | null> {
      const normalized = normalizeBackupCode(code);
      if (!normalized) return null;
      const used = await tx
        .update(backupCodes)
        .set({ usedAt: app.now() })
        .where(
          and(
            eq(backupCodes.userId, userId),
            eq(backupCodes.codeHash, hash(userId, normalized)),
            isNull(backupCodes.usedAt),
          ),
        )
        .returning({ id: backupCodes.id });
      if (used.length !== 1) return null;
      return this.remaining(userId, tx);
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
