import type { Database } from '@twofold/db';
import type { TwofoldContext } from '../context.js';
import { and, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import { emailCodes, lockUser, type Transaction } from '@twofold/db';
import {
  constantTimeEqual,
  generateEmailCode,
  hmacSha256Hex,
  normalizeEmailCode,
  randomToken,
} from '@twofold/mfa-core';
import { appError } from '../errors.js';
import type { MailContent } from '../mail/templates.js';

export type EmailCodePurpose =
  | 'registration'
  | 'registration_decoy'
  | 'login'
  | 'step_up'
  | 'password_reset'
  | 'enroll'
  | 'email_change';

export const EMAIL_CODE_MAX_ATTEMPTS = 5;
export const EMAIL_CODE_RESEND_MS = 60_000;
export const CODE_LIMIT_WINDOW_MS = 60 * 60_000;

export interface IssueEmailCode {
  userId: string;
  email: string;
  purpose: EmailCodePurpose;
  challengeId?: string | null;
  ttlMs: number;
  /** email_change: the new address, kept with the code that confirms it. */
  address?: string;
  message: (code: string) => MailContent;
  /** Skip the resend cooldown: the caller has just proved the password. */
  force?: boolean;
  /**
   * Store a code nobody receives and nobody can enter: its hash is of 256 random bits, not of a
   * 6-digit code (uniform answers for accounts that must not get one).
   */
  decoy?: boolean;
  /**
   * At most `max` codes of this purpose per hour, counted for the account or (a decoy, which
   * must answer like a new account without touching the owner's count) for this challenge.
   * Codes that could not be mailed do not count: they are deleted.
   */
  hourlyLimit?: { max: number; per: 'account' | 'challenge' };
}

export interface IssuedCode {
  expiresAt: Date;
  resendAvailableAt: Date;
}

/** The times a client shows for a sent code: when it expires and when a resend is allowed. */
export function codeTimes(issued: IssuedCode) {
  return {
    expiresAt: issued.expiresAt.toISOString(),
    resendAvailableAt: issued.resendAvailableAt.toISOString(),
  };
}

export interface CheckEmailCode {
  userId: string;
  purpose: EmailCodePurpose;
  challengeId?: string | null;
  code: string;
}

/**
 * Six-digit codes: HMAC-SHA256 with a server key over (purpose, user, challenge, code), so a
 * code made for one purpose, user or sign-in attempt can never match another. One live code
 * per (user, purpose): issuing voids the previous one.
 */
export function createEmailCodes(context: TwofoldContext) {
  const { db, config } = context;
  const hash = (
    userId: string,
    purpose: string,
    challengeId: string | null | undefined,
    code: string,
  ) => hmacSha256Hex(config.codeHmacKey, `${purpose}:${userId}:${challengeId ?? ''}:${code}`);

  return {
    async issue(options: IssueEmailCode): Promise<IssuedCode> {
      const { userId, purpose, challengeId = null, ttlMs } = options;
      const now = context.now();
      const code = generateEmailCode();
      const expiresAt = new Date(now.getTime() + ttlMs);
      // Issues for one user take turns on the user's row, so each one sees the code the one
      // before it committed: it voids it (the newest code wins) or, without `force`, is refused
      // while that code's cooldown runs. Concurrent issues never meet on the one-live-code index.
      const id = await db.transaction(async (tx) => {
        await lockUser(tx, userId);
        if (options.hourlyLimit) {
          const { max, per } = options.hourlyLimit;
          const recent = await tx
            .select({ createdAt: emailCodes.createdAt })
            .from(emailCodes)
            .where(
              and(
                eq(emailCodes.userId, userId),
                eq(emailCodes.purpose, purpose),
                gt(emailCodes.createdAt, new Date(now.getTime() - CODE_LIMIT_WINDOW_MS)),
                per === 'challenge' && challengeId
                  ? eq(emailCodes.challengeId, challengeId)
                  : undefined,
              ),
            )
            .orderBy(desc(emailCodes.createdAt))
            .limit(max);
          const oldest = recent[max - 1];
          if (oldest) {
            const wait = oldest.createdAt.getTime() + CODE_LIMIT_WINDOW_MS - now.getTime();
            throw appError('TOO_MANY_CODES', { retryAfter: Math.max(1, Math.ceil(wait / 1000)) });
          }
        }
        if (!options.force) {
          const [latest] = await tx
            .select({ createdAt: emailCodes.createdAt })
            .from(emailCodes)
            .where(and(eq(emailCodes.userId, userId), eq(emailCodes.purpose, purpose)))
            .orderBy(desc(emailCodes.createdAt))
            .limit(1);
          const wait = latest
            ? latest.createdAt.getTime() + EMAIL_CODE_RESEND_MS - now.getTime()
            : 0;
          if (wait > 0) throw appError('RESEND_TOO_SOON', { retryAfter: Math.ceil(wait / 1000) });
        }
        await tx
          .update(emailCodes)
          .set({ usedAt: now })
          .where(
            and(
              eq(emailCodes.userId, userId),
              eq(emailCodes.purpose, purpose),
              isNull(emailCodes.usedAt),
            ),
          );
        const [row] = await tx
          .insert(emailCodes)
          .values({
            userId,
            purpose,
            challengeId,
            address: options.address ?? null,
            codeHash: hash(userId, purpose, challengeId, options.decoy ? randomToken(32) : code),
            createdAt: now,
            expiresAt,
          })
          .returning({ id: emailCodes.id });
        return row!.id;
      });

      if (!options.decoy) {
        try {
          await context.mailer.send({ to: options.email, ...options.message(code) });
        } catch (error) {
          // The code never reached anyone: it must not stay valid, and since nothing was sent it
          // must not start the resend cooldown either (retrying once mail is back must work).
          await db.delete(emailCodes).where(eq(emailCodes.id, id));
          throw error;
        }
      }
      return { expiresAt, resendAvailableAt: new Date(now.getTime() + EMAIL_CODE_RESEND_MS) };
    },

    /**
     * Accepts the live code once and answers the address stored with it (email_change). Throws
     * CODE_EXPIRED (none live for this attempt, or past its time), INVALID_CODE with
     * attemptsLeft, or TOO_MANY_ATTEMPTS (the code is now void).
     */
    async check(
      { userId, purpose, challengeId = null, code }: CheckEmailCode,
      tx: Transaction | Database = db,
    ): Promise<{ address: string | null }> {
      const now = context.now();
      const [live] = await tx
        .select()
        .from(emailCodes)
        .where(
          and(
            eq(emailCodes.userId, userId),
            eq(emailCodes.purpose, purpose),
            isNull(emailCodes.usedAt),
          ),
        )
        .limit(1);
      if (!live || live.challengeId !== challengeId || live.expiresAt <= now)
        throw appError('CODE_EXPIRED');

      const normalized = normalizeEmailCode(code);
      const matches =
        normalized !== null &&
        constantTimeEqual(hash(userId, purpose, challengeId, normalized), live.codeHash);
      if (matches) {
        const consumed = await tx
          .update(emailCodes)
          .set({ usedAt: now })
          .where(
            and(
              eq(emailCodes.id, live.id),
              isNull(emailCodes.usedAt),
              sql`${emailCodes.attempts} < ${EMAIL_CODE_MAX_ATTEMPTS}`,
              gt(emailCodes.expiresAt, now),
            ),
          )
          .returning({ id: emailCodes.id });
        if (consumed.length === 1) return { address: live.address };
        throw appError('CODE_EXPIRED');
      }

      // Count the failure and void the code on the last allowed try, in one statement.
      const [counted] = await tx
        .update(emailCodes)
        .set({
          attempts: sql`${emailCodes.attempts} + 1`,
          usedAt: sql`case when ${emailCodes.attempts} + 1 >= ${EMAIL_CODE_MAX_ATTEMPTS} then ${now.toISOString()}::timestamptz else null end`,
        })
        .where(and(eq(emailCodes.id, live.id), isNull(emailCodes.usedAt)))
        .returning({ attempts: emailCodes.attempts });
      if (!counted) throw appError('CODE_EXPIRED');
      const attemptsLeft = EMAIL_CODE_MAX_ATTEMPTS - counted.attempts;
      if (attemptsLeft <= 0) throw appError('TOO_MANY_ATTEMPTS');
      throw appError('INVALID_CODE', { attemptsLeft });
    },

    /** Voids every live code of the user (their address changed: those went to the old one). */
    async voidAll(userId: string, tx: Transaction | Database = db): Promise<void> {
      await tx
        .update(emailCodes)
        .set({ usedAt: context.now() })
        .where(and(eq(emailCodes.userId, userId), isNull(emailCodes.usedAt)));
    },
  };
}
