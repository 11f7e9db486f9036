import type { Database } from '@twofold/db';
import type { TwofoldContext } from '../context.js';
import type { FastifyRequest } from 'fastify';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { loginChallenges, type LoginChallenge, type Member } from '@twofold/db';
import { randomToken, sha256Hex } from '@twofold/mfa-core';

export type ChallengePurpose = 'mfa' | 'registration' | 'registration_decoy';

/** A challenge with the user it was made for (read in the same query). */
export type OpenChallenge = LoginChallenge & { user: Member };

/** Half-finished sign-ins: stored as the SHA-256 of a 256-bit cookie token, consumed once. */
export function createChallenges(context: TwofoldContext) {
  const { db } = context;
  return {
    async create(
      userId: string,
      purpose: ChallengePurpose,
      ttlMs: number,
      request: FastifyRequest,
    ) {
      const token = randomToken(32);
      const now = context.now();
      const [challenge] = await db
        .insert(loginChallenges)
        .values({
          tokenHash: sha256Hex(token),
          userId,
          purpose,
          ip: request.ip,
          userAgent: request.headers['user-agent']?.slice(0, 512) ?? null,
          createdAt: now,
          expiresAt: new Date(now.getTime() + ttlMs),
        })
        .returning();
      return { token, challenge: challenge! };
    },

    /** The open (unconsumed, unexpired) challenge behind a cookie token, with its user, if any. */
    async findOpen(
      token: string,
      purpose: ChallengePurpose | readonly [ChallengePurpose, ChallengePurpose],
    ): Promise<OpenChallenge | undefined> {
      const row = await context.queries.openChallenge.execute({
        tokenHash: sha256Hex(token),
        purposes: typeof purpose === 'string' ? [purpose] : purpose,
        now: context.now(),
      });
      return row && { ...row.challenge, user: row.user };
    },

    /** Closes every open challenge of the user (a password reset ends half-finished sign-ins too). */
    async closeAll(userId: string, executor: Pick<Database, 'update'> = db) {
      await executor
        .update(loginChallenges)
        .set({ consumedAt: context.now() })
        .where(and(eq(loginChallenges.userId, userId), isNull(loginChallenges.consumedAt)));
    },

    /** One atomic statement: of concurrent callers, exactly one gets `true`. */
    async consume(id: string, executor: Pick<Database, 'update'> = db): Promise<boolean> {
      const now = context.now();
      const rows = await executor
        .update(loginChallenges)
        .set({ consumedAt: now })
        .where(
          and(
            eq(loginChallenges.id, id),
            isNull(loginChallenges.consumedAt),
            gt(loginChallenges.expiresAt, now),
          ),
        )
        .returning({ id: loginChallenges.id });
      return rows.length === 1;
    },
  };
}
