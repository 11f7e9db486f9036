import type { Database } from '@twofold/db';
import type { TwofoldContext } from '../context.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import { trustedDevices, type Transaction, type TrustedDevice } from '@twofold/db';
import { randomToken, sha256Hex } from '@twofold/mfa-core';

export const TRUSTED_DEVICE_TTL_MS = 30 * 24 * 3_600_000;

const BROWSERS: [RegExp, string][] = [
  [/Edg\//, 'Edge'],
  [/Firefox\//, 'Firefox'],
  [/Chrom(e|ium)\//, 'Chrome'],
  [/Safari\//, 'Safari'],
  [/curl\//, 'curl'],
];
const SYSTEMS: [RegExp, string][] = [
  [/Android/, 'Android'],
  [/iPhone|iPad/, 'iOS'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Linux/, 'Linux'],
];

/** "Chrome on Linux" from a User-Agent, for lists and emails; never the raw string. */
export function deviceLabel(userAgent: string | undefined): string {
  const ua = userAgent ?? '';
  const browser = BROWSERS.find(([pattern]) => pattern.test(ua))?.[1] ?? 'A browser';
  const system = SYSTEMS.find(([pattern]) => pattern.test(ua))?.[1];
  return system ? `${browser} on ${system}` : browser;
}

/**
 * Remembered browsers: a 30-day cookie whose token is stored hashed. It lets that browser skip
 * the second step for that user only; revoking, disabling MFA or changing the password ends it.
 */
export function createTrustedDevices(context: TwofoldContext) {
  const { db, cookieJar } = context;
  return {
    async trust(
      request: FastifyRequest,
      reply: FastifyReply,
      userId: string,
    ): Promise<TrustedDevice> {
      const token = randomToken(32);
      const now = context.now();
      const [device] = await db
        .insert(trustedDevices)
        .values({
          userId,
          tokenHash: sha256Hex(token),
          label: deviceLabel(request.headers['user-agent']),
          ip: request.ip,
          createdAt: now,
          lastUsedAt: now,
          expiresAt: new Date(now.getTime() + TRUSTED_DEVICE_TTL_MS),
        })
        .returning();
      cookieJar.set(reply, 'device', token, TRUSTED_DEVICE_TTL_MS / 1000);
      return device!;
    },

    /** The live trusted device this request carries for `userId`, marking it used. */
    async recognise(request: FastifyRequest, userId: string): Promise<TrustedDevice | undefined> {
      const token = cookieJar.read(request, 'device');
      if (!token) return undefined;
      const now = context.now();
      const [device] = await db
        .update(trustedDevices)
        .set({ lastUsedAt: now })
        .where(
          and(
            eq(trustedDevices.tokenHash, sha256Hex(token)),
            eq(trustedDevices.userId, userId),
            isNull(trustedDevices.revokedAt),
            gt(trustedDevices.expiresAt, now),
          ),
        )
        .returning();
      return device;
    },

    /** The id of the trusted device this request carries, if any (to mark "this browser"). */
    currentTokenHash(request: FastifyRequest): string | null {
      const token = cookieJar.read(request, 'device');
      return token ? sha256Hex(token) : null;
    },

    async list(userId: string): Promise<TrustedDevice[]> {
      return db
        .select()
        .from(trustedDevices)
        .where(
          and(
            eq(trustedDevices.userId, userId),
            isNull(trustedDevices.revokedAt),
            gt(trustedDevices.expiresAt, context.now()),
          ),
        )
        .orderBy(desc(trustedDevices.createdAt));
    },

    async revoke(userId: string, id: string): Promise<boolean> {
      const rows = await db
        .update(trustedDevices)
        .set({ revokedAt: context.now() })
        .where(
          and(
            eq(trustedDevices.id, id),
            eq(trustedDevices.userId, userId),
            isNull(trustedDevices.revokedAt),
          ),
        )
        .returning({ id: trustedDevices.id });
      return rows.length === 1;
    },

    async revokeAll(userId: string, tx: Transaction | Database = db): Promise<number> {
      const rows = await tx
        .update(trustedDevices)
        .set({ revokedAt: context.now() })
        .where(and(eq(trustedDevices.userId, userId), isNull(trustedDevices.revokedAt)))
        .returning({ id: trustedDevices.id });
      return rows.length;
    },
  };
}
