import type { Database } from '@twofold/db';
import type { TwofoldContext } from '../context.js';
import { and, asc, eq } from 'drizzle-orm';
import { backupCodes, mfaFactors, sessions, type MfaFactor, type Transaction } from '@twofold/db';
import type { Factor, FactorType } from '@twofold/mfa-core';

/**
 * A pending (unconfirmed) factor lives this long. Past it, it counts as absent: a new start
 * replaces it with a new secret and a confirmation is refused. Setup is a minute's work; a
 * secret that waits longer is one that someone may have read and kept.
 */
export const PENDING_FACTOR_TTL_MS = 10 * 60_000;

export const FACTOR_LABELS: Record<'totp' | 'email', string> = {
  totp: 'An authenticator app',
  email: 'Email codes',
};

/** The user's MFA factors: listing, and the cascade when MFA goes off. */
export function createFactors(context: TwofoldContext) {
  const { db } = context;
  return {
    async list(userId: string): Promise<MfaFactor[]> {
      return db
        .select()
        .from(mfaFactors)
        .where(eq(mfaFactors.userId, userId))
        .orderBy(asc(mfaFactors.createdAt));
    },

    async active(userId: string, tx: Transaction | Database = db): Promise<MfaFactor[]> {
      return tx
        .select()
        .from(mfaFactors)
        .where(and(eq(mfaFactors.userId, userId), eq(mfaFactors.status, 'active')))
        .orderBy(asc(mfaFactors.createdAt));
    },

    /** The user's factor of `type` in `status`, if any (at most one, by the unique indexes). */
    async find(
      userId: string,
      type: FactorType,
      status: 'pending' | 'active',
      tx: Transaction | Database = db,
    ): Promise<MfaFactor | undefined> {
      const [factor] = await tx
        .select()
        .from(mfaFactors)
        .where(
          and(
            eq(mfaFactors.userId, userId),
            eq(mfaFactors.type, type),
            eq(mfaFactors.status, status),
          ),
        );
      return factor;
    },

    /** Whether a pending factor is past PENDING_FACTOR_TTL_MS at `now`. */
    isExpired(factor: MfaFactor, now: Date): boolean {
      return now.getTime() - factor.createdAt.getTime() >= PENDING_FACTOR_TTL_MS;
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
    async removePending(userId: string, tx: Transaction | Database = db): Promise<number> {
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
    async removeAll(userId: string, tx: Transaction | Database = db): Promise<void> {
      await tx.delete(mfaFactors).where(eq(mfaFactors.userId, userId));
      await tx.delete(backupCodes).where(eq(backupCodes.userId, userId));
      await context.trustedDevices.revokeAll(userId, tx);
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
