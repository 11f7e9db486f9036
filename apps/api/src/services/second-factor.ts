import type { FastifyInstance, FastifyRequest } from 'fastify';
import { and, eq, isNull, lt, or } from 'drizzle-orm';
import { mfaFactors, type MfaFactor, type Transaction } from '@twofold/db';
import { verifyTotp, type MfaMethod } from '@twofold/mfa-core';
import { appError } from '../errors.js';
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

  /** A TOTP code for an active factor; a replay is refused, logged and mailed to the owner. */
  async function checkTotp(
    factor: MfaFactor,
    code: string,
    request: FastifyRequest,
  ): Promise<void> {
    const outcome = await claimTotp(factor, code);
    if (outcome === 'ok') return;
    if (outcome === 'invalid') throw appError('INVALID_CODE');
    await app.securityEvents.record({
      type: 'mfa.totp_replay',
      userId: factor.userId,
      request,
      metadata: { factorId: factor.id },
    });
    const owner = await app.users.findById(factor.userId);
    if (owner) await app.notifications.notify(owner.email, templates.totpReplay());
    throw appError('CODE_ALREADY_USED');
  }

  async function checkMethod({
    user,
    method,
    code,
    purpose,
    challengeId,
    request,
  }: VerifyFactor): Promise<void> {
    const factors = await activeFactors(user.id);
    if (method === 'totp') {
      const factor = factors.find((f) => f.type === 'totp');
      if (!factor)
        throw appError(
          'INVALID_CODE',
          undefined,
          'Authenticator app codes are not set up for this account.',
        );
      return checkTotp(factor, code, request);
    }
    if (method === 'email') {
      if (!factors.some((f) => f.type === 'email')) {
        throw appError('INVALID_CODE', undefined, 'Email codes are not set up for this account.');
      }
      return app.emailCodes.check({
        userId: user.id,
        purpose,
        challengeId: challengeId ?? null,
        code,
      });
    }
    const remaining = await app.backupCodes.consume(user.id, code);
    if (remaining === null) throw appError('INVALID_CODE');
    await app.securityEvents.record({
      type: 'mfa.backup_code_used',
      userId: user.id,
      request,
      metadata: { remaining },
    });
    await app.notifications.notify(user.email, templates.backupCodeUsed(remaining));
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

    /** Verifies one second factor; throws a stable error (and counts the failure) otherwise. */
    async verify(input: VerifyFactor): Promise<void> {
      await app.throttle.reserve(input.user.id);
      try {
        await checkMethod(input);
      } catch (error) {
        await app.securityEvents.record({
          type: 'mfa.failed',
          userId: input.user.id,
          request: input.request,
          metadata: { method: input.method, purpose: input.purpose },
        });
        throw error;
      }
      await app.throttle.reset(input.user.id);
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
