import type { FastifyInstance, FastifyRequest } from 'fastify';
import { and, eq, isNull, lt, or } from 'drizzle-orm';
import { mfaFactors, type MfaFactor, type Transaction } from '@twofold/db';
import { verifyTotp, type MfaMethod } from '@twofold/mfa-core';
import { appError, isAppError } from '../errors.js';
import { templates } from '../mail/templates.js';

/** RFC 8176 method references recorded on a session for each second factor. */
export const AMR: Record<MfaMethod, string> = {
  totp: 'otp',
  email: 'email',
  backup_code: 'backup_code',
};

export interface VerifyFactor {
  user: { id: string; email: string };
  method: MfaMethod;
  code: string;
  /** 'login' codes are bound to the sign-in challenge; 'step_up' codes to the session's user. */
  purpose: 'login' | 'step_up';
  challengeId?: string;
  request: FastifyRequest;
}

/**
 * Checks a second factor for sign-in and step-up, behind the per-account throttle: TOTP with
 * replay protection (a time step is accepted once per factor, atomically), email codes bound to
 * their challenge, and single-use backup codes.
 */
export function createSecondFactor(app: FastifyInstance) {
  const { db, config } = app;

  const activeFactors = (userId: string) =>
    db
      .select()
      .from(mfaFactors)
      .where(and(eq(mfaFactors.userId, userId), eq(mfaFactors.status, 'active')));

  /**
   * Checks a TOTP code against a factor and claims its time step in one statement: 'replay' when
   * the step is at or below the last accepted one. `activate` also turns a pending factor on.
   * Touches the database only through `tx`, so it can run inside a transaction.
   */
  async function claimTotp(
    factor: MfaFactor,
    code: string,
    {
      activate = false,
      tx = db,
    }: { activate?: boolean; tx?: Transaction | FastifyInstance['db'] } = {},
  ): Promise<'ok' | 'invalid' | 'replay'> {
    const secret = app.secretBox.open({
      keyId: factor.secretKeyId!,
      ciphertext: factor.secretCiphertext!,
    });
    const now = app.now();
    const result = verifyTotp({ secret, code, now: now.getTime(), window: config.totpDriftSteps });
    if (!result.valid) return 'invalid';
    const claimed = await tx
      .update(mfaFactors)
      .set({
        lastUsedStep: result.timeStep,
        lastUsedAt: now,
        ...(activate ? { status: 'active', confirmedAt: now } : {}),
      })
      .where(
        and(
          eq(mfaFactors.id, factor.id),
          eq(mfaFactors.status, activate ? 'pending' : 'active'),
          or(isNull(mfaFactors.lastUsedStep), lt(mfaFactors.lastUsedStep, result.timeStep)),
        ),
      )
      .returning({ id: mfaFactors.id });
    return claimed.length === 1 ? 'ok' : 'replay';
  }

  /** Work left for after the check's transaction: writes and mail that must not roll back with it. */
  interface FollowUps {
    /** Run however the transaction ended (a refused replay is reported either way). */
    always: (() => Promise<void>)[];
    /** Run only once the transaction committed (a backup code is spent only then). */
    committed: (() => Promise<void>)[];
  }

  /** A TOTP code for an active factor; a replay is refused, logged and mailed to the owner. */
  async function checkTotp(
    factor: MfaFactor,
    code: string,
    request: FastifyRequest,
    tx: Transaction,
    followUps: FollowUps,
  ): Promise<void> {
    const outcome = await claimTotp(factor, code, { tx });
    if (outcome === 'ok') return;
    if (outcome === 'invalid') throw appError('INVALID_CODE');
    followUps.always.push(async () => {
      await app.securityEvents.record({
        type: 'mfa.totp_replay',
        userId: factor.userId,
        request,
        metadata: { factorId: factor.id },
      });
      const owner = await app.users.findById(factor.userId);
      if (owner) await app.notifications.notify(owner.email, templates.totpReplay());
    });
    throw appError('CODE_ALREADY_USED');
  }

  /**
   * Checks the code. TOTP steps and backup codes are claimed through `tx`, so they are spent
   * only if everything else the caller does in that transaction commits too. Email codes carry
   * their own wrong-try counter, which must survive a refusal, so they are checked before it.
   */
  async function checkMethod(
    { user, method, code, request }: VerifyFactor,
    factors: MfaFactor[],
    tx: Transaction,
    followUps: FollowUps,
  ): Promise<void> {
    if (method === 'totp') {
      const factor = factors.find((f) => f.type === 'totp');
      if (!factor)
        throw appError(
          'INVALID_CODE',
          undefined,
          'Authenticator app codes are not set up for this account.',
        );
      return checkTotp(factor, code, request, tx, followUps);
    }
    if (method === 'backup_code') {
      const remaining = await app.backupCodes.consume(user.id, code, tx);
      if (remaining === null) throw appError('INVALID_CODE');
      followUps.committed.push(async () => {
        await app.securityEvents.record({
          type: 'mfa.backup_code_used',
          userId: user.id,
          request,
          metadata: { remaining },
        });
        await app.notifications.notify(user.email, templates.backupCodeUsed(remaining));
      });
    }
  }

  async function checkEmail(
    { user, purpose, challengeId, code }: VerifyFactor,
    factors: MfaFactor[],
  ) {
    if (!factors.some((f) => f.type === 'email')) {
      throw appError('INVALID_CODE', undefined, 'Email codes are not set up for this account.');
    }
    await app.emailCodes.check({
      userId: user.id,
      purpose,
      challengeId: challengeId ?? null,
      code,
    });
  }

  return {
    claimTotp,

    /** The methods the user can finish a sign-in with. */
    async methodsFor(userId: string): Promise<MfaMethod[]> {
      const types = new Set((await activeFactors(userId)).map((f) => f.type));
      const methods: MfaMethod[] = [];
      if (types.has('totp')) methods.push('totp');
      if (types.has('email')) methods.push('email');
      if (types.size > 0 && (await app.backupCodes.remaining(userId)) > 0)
        methods.push('backup_code');
      return methods;
    },

    /**
     * Verifies one second factor; throws a stable error (and counts the failure) otherwise.
     * `complete` runs in the same transaction that spends the code (e.g. creating the session),
     * so a failure there, a crash or a lost database leaves the code unspent.
     */
    async verify<T = void>(
      input: VerifyFactor,
      complete?: (tx: Transaction) => Promise<T>,
    ): Promise<T> {
      await app.throttle.reserve(input.user.id);
      const followUps: FollowUps = { always: [], committed: [] };
      let checked = false;
      let result: T;
      try {
        const factors = await activeFactors(input.user.id);
        if (input.method === 'email') await checkEmail(input, factors);
        result = await db.transaction(async (tx) => {
          if (input.method !== 'email') await checkMethod(input, factors, tx, followUps);
          checked = true;
          // Without `complete`, T is void.
          return complete ? complete(tx) : (undefined as T);
        });
      } catch (error) {
        for (const followUp of followUps.always) await followUp();
        if (!checked && isAppError(error)) {
          await app.securityEvents.record({
            type: 'mfa.failed',
            userId: input.user.id,
            request: input.request,
            metadata: { method: input.method, purpose: input.purpose },
          });
        }
        throw error;
      }
      for (const followUp of [...followUps.always, ...followUps.committed]) await followUp();
      await app.throttle.reset(input.user.id);
      return result;
    },

    /** The X-TOTP-Code header for API clients on step-up routes: a current, unused TOTP code. */
    async verifyStepUpHeader(userId: string, code: string, request: FastifyRequest): Promise<void> {
      const user = await app.users.findById(userId);
      if (!user) throw appError('UNAUTHENTICATED');
      const factors = await activeFactors(userId);
      if (!factors.some((f) => f.type === 'totp')) {
        throw appError(
          'STEP_UP_REQUIRED',
          undefined,
          'X-TOTP-Code needs an authenticator app; re-authenticate instead.',
        );
      }
      await this.verify({ user, method: 'totp', code, purpose: 'step_up', request });
    },
  };
}
