import { describe, expect, it } from 'vitest';
import { and, eq, isNull } from 'drizzle-orm';
import { backupCodes } from '@twofold/db';
import { openStepUpWindow, signUp, useTestApp } from './helpers/app.js';
import { enrollTotp } from './helpers/mfa.js';
import { contextOf } from '@twofold/fastify/internal';

const ctx = useTestApp();

const PARALLEL = 20;

// PGlite runs one statement at a time, so the race shows on PostgreSQL (DATABASE_URL, as in CI).
describe('backup codes regenerated many times at once', () => {
  it('leave one set of 10 live codes: only the codes of one answer work', async () => {
    const { client, user } = await signUp(ctx.app, ctx.db);
    await enrollTotp(client);
    await openStepUpWindow(ctx.db, client);

    const answers = await Promise.all(
      Array.from({ length: PARALLEL }, () => client.post('/api/mfa/backup-codes', {})),
    );
    for (const answer of answers) expect(answer.statusCode, answer.body).toBe(201);

    const live = await ctx.db.db
      .select({ codeHash: backupCodes.codeHash })
      .from(backupCodes)
      .where(and(eq(backupCodes.userId, user.id), isNull(backupCodes.usedAt)));
    expect(live).toHaveLength(10);

    // Count by hash which answers' codes are live: exactly one, and all ten of its codes.
    const liveHashes = new Set(live.map((row) => row.codeHash));
    const working = answers
      .map((answer) => answer.json().backupCodes as string[])
      .map((codes) =>
        codes.filter((code) =>
          liveHashes.has(contextOf(ctx.app).backupCodes.hashOf(user.id, code)!),
        ),
      )
      .filter((matched) => matched.length > 0);
    expect(working).toHaveLength(1);
    expect(working[0]).toHaveLength(10);
  });
});
