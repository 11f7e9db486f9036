import type { Database } from '@twofold/db';
import type { TwofoldContext } from '../context.js';
import type { FastifyRequest } from 'fastify';
import { and, eq } from 'drizzle-orm';
import { lockUser, mfaFactors, type MfaFactor, type Transaction } from '@twofold/db';
import type { FactorConfirmResponse, FactorType } from '@twofold/mfa-core';
import { appError } from '../errors.js';
import { FACTOR_LABELS, PENDING_FACTOR_TTL_MS } from './factors.js';
import { AMR } from './second-factor.js';
import type { ResolvedSession } from './sessions.js';

const SETUP_NAMES: Record<FactorType, string> = {
  totp: 'authenticator-app setup',
  email: 'email-code setup',
};

/**
 * Enrollment, shared by TOTP and email. A pending factor belongs to the session that started it
 * and lives PENDING_FACTOR_TTL_MS: only that session, inside that time, gets the same pending
 * factor (and TOTP secret) back on a retry; a start from any other session, or after it,
 * replaces it with a new one. What follows the activation: the first factor turns MFA on and
 * comes with 10 backup codes (shown once); every change ends the user's other sessions and
 * raises this one to aal 2; the user is told by email.
 */
export function createEnrollment(context: TwofoldContext) {
  const { db, backupCodes, sessions, securityEvents, notifications, factors } = context;

  /** Deletes a pending factor; never one that a concurrent confirmation has just activated. */
  async function discard(factorId: string, tx: Transaction | Database = db) {
    await tx
      .delete(mfaFactors)
      .where(and(eq(mfaFactors.id, factorId), eq(mfaFactors.status, 'pending')));
  }

  return {
    /**
     * The pending factor of `type` this session started and that is still live, or a new one
     * made with `create` (which replaces an expired one or another session's). Starts for one
     * user take turns on the user's row, so two sessions starting at once never share a secret.
     */
    async start(
      session: ResolvedSession,
      type: FactorType,
      create: () => Partial<MfaFactor>,
    ): Promise<MfaFactor> {
      return db.transaction(async (tx) => {
        await lockUser(tx, session.userId);
        if (await factors.find(session.userId, type, 'active', tx)) {
          throw appError('FACTOR_ALREADY_ACTIVE');
        }
        const now = context.now();
        const existing = await factors.find(session.userId, type, 'pending', tx);
        if (existing && existing.sessionId === session.id && !factors.isExpired(existing, now)) {
          return existing;
        }
        if (existing) await discard(existing.id, tx);
        const [created] = await tx
          .insert(mfaFactors)
          .values({
            userId: session.userId,
            type,
            status: 'pending',
            createdAt: now,
            sessionId: session.id,
            ...create(),
          })
          .returning();
        return created!;
      });
    },

    /**
     * The pending factor of `type` that this session may confirm: refused when there is none,
     * when it expired (it is deleted) or when another session started it.
     */
    async pending(session: ResolvedSession, type: FactorType): Promise<MfaFactor> {
      if (await factors.find(session.userId, type, 'active')) {
        throw appError('FACTOR_ALREADY_ACTIVE');
      }
      const factor = await factors.find(session.userId, type, 'pending');
      const setup = SETUP_NAMES[type];
      if (!factor) throw appError('FACTOR_NOT_FOUND', undefined, `Start ${setup} first.`);
      if (factors.isExpired(factor, context.now())) {
        await discard(factor.id);
        throw appError(
          'FACTOR_NOT_FOUND',
          undefined,
          `That ${setup} expired after ${PENDING_FACTOR_TTL_MS / 60_000} minutes. Start again.`,
        );
      }
      if (factor.sessionId !== session.id) {
        throw appError(
          'FACTOR_NOT_FOUND',
          undefined,
          `That ${setup} was started in another session. Start again here.`,
        );
      }
      return factor;
    },

    /**
     * Activates `factor` with `activate` (which claims it inside the transaction) and, in the
     * same transaction, creates the backup codes (first factor), ends the other sessions and
     * raises this one: a crash leaves the account before or after, never between.
     */
    async complete(
      request: FastifyRequest,
      session: ResolvedSession,
      factor: MfaFactor,
      activate: (tx: Transaction) => Promise<void>,
    ): Promise<FactorConfirmResponse> {
      // Activations for one user take turns on the user's row, so two first factors confirmed at
      // once do not both see MFA off: only the first turns it on and shows backup codes.
      const { codes, wasEnabled, activated } = await db.transaction(async (tx) => {
        await lockUser(tx, session.userId);
        await activate(tx);
        const active = await factors.active(session.userId, tx);
        const wasEnabled = active.some((f) => f.id !== factor.id);
        // Let in as the first factor, but another confirmation committed first (two methods
        // confirmed at once): this one is a second factor now, and needs step-up. Rolled back.
        if (wasEnabled && request.twofoldFirstFactorOnly) throw appError('STEP_UP_REQUIRED');
        const created = wasEnabled ? undefined : await backupCodes.replace(session.userId, tx);
        await sessions.revokeAll(session.userId, session.id, tx);
        await sessions.elevate(
          session.id,
          ['pwd', AMR[factor.type === 'email' ? 'email' : 'totp']],
          tx,
        );
        return { codes: created, wasEnabled, activated: active.find((f) => f.id === factor.id) };
      });

      const label = FACTOR_LABELS[factor.type === 'email' ? 'email' : 'totp'];
      await securityEvents.record({
        type: 'mfa.factor_added',
        userId: session.userId,
        request,
        metadata: { factorId: factor.id, type: factor.type },
      });
      if (!wasEnabled)
        await securityEvents.record({ type: 'mfa.enabled', userId: session.userId, request });
      await notifications.notify(
        session.email,
        wasEnabled ? context.templates.factorAdded(label) : context.templates.mfaEnabled(label),
      );

      return {
        factor: factors.toContract(activated ?? factor),
        ...(codes ? { backupCodes: codes } : {}),
      };
    },
  };
}
