import type { Database } from '@twofold/db';
import type { TwofoldContext } from '../context.js';
import type { FastifyRequest } from 'fastify';
import { and, eq, isNull, lt, or } from 'drizzle-orm';
import {
  mfaFactors,
  spendSecondFactor,
  type CodeClaim,
  type MfaFactor,
  type SecondStepSignIn,
  type SpendResult,
  type Transaction,
} from '@twofold/db';
import { verifyTotp, type AuthMethodReference, type MfaMethod } from '@twofold/mfa-core';
import { appError, isAppError } from '../errors.js';
import { codeTimes } from './email-codes.js';

/** How long an emailed second-factor code (sign-in or step-up) stays valid. */
export const FACTOR_CODE_TTL_MS = 10 * 60_000;

/** RFC 8176 method references recorded on a session for each second factor. */
export const AMR: Record<MfaMethod, AuthMethodReference> = {
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

/** The methods an account can finish a sign-in with, from its active factors and backup codes. */
function methodsOf({
  factorTypes,
  backupCodesLeft,
}: {
  factorTypes: readonly string[];
  backupCodesLeft: number;
}): MfaMethod[] {
  const methods: MfaMethod[] = [];
  if (factorTypes.includes('totp')) methods.push('totp');
  if (factorTypes.includes('email')) methods.push('email');
  if (factorTypes.length > 0 && backupCodesLeft > 0) methods.push('backup_code');
  return methods;
}

/**
 * Checks a second factor for sign-in and step-up, behind the per-account throttle: TOTP with
 * replay protection (a time step is accepted once per factor, atomically), email codes bound to
 * their challenge, and single-use backup codes.
 *
 * A check is two statements: the throttle reserves the attempt and reads the factors; the code
 * is checked here; one more statement spends it, together with whatever it opens (a sign-in's
 * challenge, session and events), and resets the failure count.
 */
export function createSecondFactor(context: TwofoldContext) {
  const { db, config } = context;

  /** The time step a TOTP code matches for this factor, or null. */
  function totpStep(factor: MfaFactor, code: string): number | null {
    const secret = context.secretBox.open({
      keyId: factor.secretKeyId!,
      ciphertext: factor.secretCiphertext!,
    });
    const result = verifyTotp({
      secret,
      code,
      now: context.now().getTime(),
      window: config.totpDriftSteps,
    });
    return result.valid ? result.timeStep : null;
  }

  /**
   * Checks a TOTP code against a factor and claims its time step in one statement: 'replay' when
   * the step is at or below the last accepted one. `activate` also turns a pending factor on.
   * Touches the database only through `tx`, so it can run inside a transaction.
   */
  async function claimTotp(
    factor: MfaFactor,
    code: string,
    { activate = false, tx = db }: { activate?: boolean; tx?: Transaction | Database } = {},
  ): Promise<'ok' | 'invalid' | 'replay'> {
    const step = totpStep(factor, code);
    if (step === null) return 'invalid';
    const now = context.now();
    const claimed = await tx
      .update(mfaFactors)
      .set({
        lastUsedStep: step,
        lastUsedAt: now,
        ...(activate ? { status: 'active', confirmedAt: now } : {}),
      })
      .where(
        and(
          eq(mfaFactors.id, factor.id),
          eq(mfaFactors.status, activate ? 'pending' : 'active'),
          or(isNull(mfaFactors.lastUsedStep), lt(mfaFactors.lastUsedStep, step)),
        ),
      )
      .returning({ id: mfaFactors.id });
    return claimed.length === 1 ? 'ok' : 'replay';
  }

  /**
   * Checks the code and says what spending it takes. Email codes carry their own wrong-try
   * counter, which must survive a refusal, so they are checked and spent here; TOTP steps and
   * backup codes are spent by the statement that finishes the check.
   */
  async function claimFor(
    { user, method, code, purpose, challengeId }: VerifyFactor,
    factors: MfaFactor[],
  ): Promise<CodeClaim> {
    if (method === 'totp') {
      const factor = factors.find((f) => f.type === 'totp');
      if (!factor)
        throw appError(
          'INVALID_CODE',
          undefined,
          'Authenticator app codes are not set up for this account.',
        );
      const step = totpStep(factor, code);
      if (step === null) throw appError('INVALID_CODE');
      return { kind: 'totp', factorId: factor.id, step };
    }
    if (method === 'backup_code') {
      const codeHash = context.backupCodes.hashOf(user.id, code);
      if (!codeHash) throw appError('INVALID_CODE');
      return { kind: 'backup_code', codeHash };
    }
    if (!factors.some((f) => f.type === 'email')) {
      throw appError('INVALID_CODE', undefined, 'Email codes are not set up for this account.');
    }
    await context.emailCodes.check({
      userId: user.id,
      purpose,
      challengeId: challengeId ?? null,
      code,
    });
    return { kind: 'none' };
  }

  /** A refused replay is logged and mailed to the owner. */
  async function reportReplay({ user, request }: VerifyFactor, factorId: string) {
    await context.securityEvents.record({
      type: 'mfa.totp_replay',
      userId: user.id,
      request,
      metadata: { factorId },
    });
    await context.notifications.notify(user.email, context.templates.totpReplay());
  }

  return {
    claimTotp,

    /**
     * Emails a second-factor code to an account that has email codes enrolled: for a sign-in,
     * bound to its challenge, or for step-up. Answers when it expires and when another may follow.
     */
    async sendEmailCode({
      user,
      purpose,
      challengeId,
      request,
    }: Pick<VerifyFactor, 'user' | 'purpose' | 'challengeId' | 'request'>) {
      if (!(await context.factors.active(user.id)).some((factor) => factor.type === 'email')) {
        throw appError(
          'FACTOR_NOT_FOUND',
          undefined,
          'Email codes are not set up for this account.',
        );
      }
      const template =
        purpose === 'login' ? context.templates.signInCode : context.templates.stepUpCode;
      const issued = await context.emailCodes.issue({
        userId: user.id,
        email: user.email,
        purpose,
        challengeId: challengeId ?? null,
        ttlMs: FACTOR_CODE_TTL_MS,
        message: (code) => template(code, FACTOR_CODE_TTL_MS / 60_000),
      });
      await context.securityEvents.record({
        type: 'mfa.email_code_sent',
        userId: user.id,
        request,
        metadata: { purpose },
      });
      return { status: 'sent' as const, ...codeTimes(issued) };
    },

    /** The methods the user can finish a sign-in with. */
    async methodsFor(userId: string): Promise<MfaMethod[]> {
      const factorTypes = (await context.factors.active(userId)).map((f) => f.type);
      const backupCodesLeft =
        factorTypes.length > 0 ? await context.backupCodes.remaining(userId) : 0;
      return methodsOf({ factorTypes, backupCodesLeft });
    },

    methodsOf,

    /**
     * Verifies one second factor; throws a stable error (and counts the failure) otherwise.
     * With `signIn`, the statement that spends the code also consumes the challenge and creates
     * the session: a failure there, a crash or a lost database leaves the code unspent and no
     * session half-made. Answers the new session's id (with `signIn`).
     */
    async verify(input: VerifyFactor, signIn?: SecondStepSignIn): Promise<SpendResult> {
      const { user, request } = input;
      const factors = await context.throttle.reserve(user.id);
      let spent: SpendResult;
      try {
        const claim = await claimFor(input, factors);
        spent = await spendSecondFactor(db, {
          userId: user.id,
          now: context.now(),
          ip: request.ip,
          userAgent: request.headers['user-agent']?.slice(0, 512) ?? null,
          claim,
          ...(signIn && { signIn }),
        });
        if (!spent.claimed) {
          if (claim.kind !== 'totp') throw appError('INVALID_CODE');
          await reportReplay(input, claim.factorId);
          throw appError('CODE_ALREADY_USED');
        }
      } catch (error) {
        if (isAppError(error)) {
          await context.securityEvents.record({
            type: 'mfa.failed',
            userId: user.id,
            request,
            metadata: { method: input.method, purpose: input.purpose },
          });
        }
        throw error;
      }
      // The code was right, but a concurrent request finished this sign-in first.
      if (signIn && !spent.sessionId) throw appError('CHALLENGE_REQUIRED');
      if (spent.remaining !== null) {
        await context.securityEvents.record({
          type: 'mfa.backup_code_used',
          userId: user.id,
          request,
          metadata: { remaining: spent.remaining },
        });
        await context.notifications.notify(
          user.email,
          context.templates.backupCodeUsed(spent.remaining),
        );
      }
      return spent;
    },

    /** The X-TOTP-Code header for API clients on step-up routes: a current, unused TOTP code. */
    async verifyStepUpHeader(
      userId: string,
      code: string,
      request: FastifyRequest,
      sessionCreatedAt: Date,
    ): Promise<void> {
      const user = await context.users.findMember(userId);
      if (!user) throw appError('UNAUTHENTICATED');
      const factors = await context.factors.active(userId);
      const totp = factors.find((f) => f.type === 'totp');
      if (!totp) {
        throw appError(
          'STEP_UP_REQUIRED',
          undefined,
          'X-TOTP-Code needs an authenticator app; re-authenticate instead.',
        );
      }
      // An app added after this session began (the first factor may be added without step-up in
      // a session's first minutes) proves nothing the session did not: a stolen cookie could have
      // enrolled it. Its codes count for step-up only with the password (re-authenticate).
      if ((totp.confirmedAt ?? totp.createdAt) >= sessionCreatedAt) {
        throw appError(
          'STEP_UP_REQUIRED',
          undefined,
          'This authenticator app was added in this session: confirm with your password instead.',
        );
      }
      await this.verify({ user, method: 'totp', code, purpose: 'step_up', request });
    },
  };
}
