import type { FastifyInstance, FastifyRequest } from 'fastify';
import { lockUser, type MfaFactor, type Transaction } from '@twofold/db';
import type { FactorConfirmResponse } from '@twofold/mfa-core';
import { templates } from '../mail/templates.js';
import { FACTOR_LABELS } from './factors.js';
import { AMR } from './second-factor.js';
import type { ResolvedSession } from './sessions.js';

/**
 * What follows a factor's activation, shared by TOTP and email: the first factor turns MFA on
 * and comes with 10 backup codes (shown once); every change ends the user's other sessions and
 * raises this one to aal 2; the user is told by email.
 */
export function createEnrollment(app: FastifyInstance) {
  const { db, backupCodes, sessions, securityEvents, notifications, factors } = app;

  return {
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
        wasEnabled ? templates.factorAdded(label) : templates.mfaEnabled(label),
      );

      return {
        factor: factors.toContract(activated ?? factor),
        ...(codes ? { backupCodes: codes } : {}),
      };
    },
  };
}
