import type { FastifyInstance } from 'fastify';
import { and, asc, eq } from 'drizzle-orm';
import { backupCodes, mfaFactors, sessions, type MfaFactor, type Transaction } from '@twofold/db';
import type { Factor } from '@twofold/mfa-core';

export const FACTOR_LABELS: Record<'totp' | 'email', string> = {
  totp: 'An authenticator app',
  email: 'Email codes',
};

/** The user's MFA factors: listing, and the cascade when MFA goes off. */
export function createFactors(app: FastifyInstance) {
  const { db } = app;
  return {
    async list(userId: string): Promise<MfaFactor[]> {
      return db
        .select()
        .from(mfaFactors)
        .where(eq(mfaFactors.userId, userId))
        .orderBy(asc(mfaFactors.createdAt));
    },

    async active(
      userId: string,
      tx: Transaction | FastifyInstance['db'] = db,
    ): Promise<MfaFactor[]> {
      return tx
        .select()
        .from(mfaFactors)
        .where(and(eq(mfaFactors.userId, userId), eq(mfaFactors.status, 'active')))
        .orderBy(asc(mfaFactors.createdAt));
    },

    async remove(userId: string, factorId: string): Promise<void> {
      await db
        .delete(mfaFactors)
        .where(and(eq(mfaFactors.userId, userId), eq(mfaFactors.id, factorId)));
    },

    /**
     * Deletes the user's pending (unconfirmed) factors: a password change or reset, signing out
     * everywhere and an admin reset all end an enrollment someone else may have started.
     */
    async removePending(
      userId: string,
      tx: Transaction | FastifyInstance['db'] = db,
    ): Promise<number> {
      const rows = await tx
        .delete(mfaFactors)
        .where(and(eq(mfaFactors.userId, userId), eq(mfaFactors.status, 'pending')))
        .returning({ id: mfaFactors.id });
      return rows.length;
    },

    /**
     * Everything MFA for a user goes at once: factors, backup codes and trusted browsers, and
     * the sessions that were upgraded by a factor fall back to password-level (aal 1).
     */
    async removeAll(userId: string, tx: Transaction | FastifyInstance['db'] = db): Promise<void> {
      await tx.delete(mfaFactors).where(eq(mfaFactors.userId, userId));
      await tx.delete(backupCodes).where(eq(backupCodes.userId, userId));
      await app.trustedDevices.revokeAll(userId, tx);
      await tx.update(sessions).set({ aal: 1 }).where(eq(sessions.userId, userId));
    },

    toContract(factor: MfaFactor): Factor {
      return {
        id: factor.id,
        type: factor.type === 'email' ? 'email' : 'totp',
        status: factor.status === 'active' ? 'active' : 'pending',
        createdAt: factor.createdAt.toISOString(),
        confirmedAt: factor.confirmedAt?.toISOString() ?? null,
        lastUsedAt: factor.lastUsedAt?.toISOString() ?? null,
      };
    },
  };
}
