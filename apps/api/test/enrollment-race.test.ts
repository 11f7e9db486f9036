import { describe, expect, it } from 'vitest';
import { and, eq, isNull } from 'drizzle-orm';
import { backupCodes, mfaFactors, securityEvents } from '@twofold/db';
import { generateTotp } from '@twofold/mfa-core';
import { latestCode, signUp, useTestApp } from './helpers/app.js';
import { stepUp } from './helpers/mfa.js';

const ctx = useTestApp();

// PGlite runs one statement at a time, so the race shows on PostgreSQL (DATABASE_URL, as in CI).
describe('two first factors confirmed at the same moment', () => {
  it('turn MFA on once: one set of 10 backup codes, shown once, and one mfa.enabled', async () => {
    for (let round = 0; round < 4; round += 1) {
      const { client, email, password, user } = await signUp(ctx.app, ctx.db);
      // Only the first factor may skip step-up; with the window open, neither confirmation
      // depends on whether the other has committed yet.
      await stepUp(client, password);
      const started = await client.post('/api/mfa/totp', {});
      expect(started.statusCode, started.body).toBe(201);
      const { secret } = started.json() as { secret: string };
      expect((await client.post('/api/mfa/email', {})).statusCode).toBe(201);
      const emailCode = await latestCode(ctx.db, email);

      const answers = await Promise.all([
        client.post('/api/mfa/totp/confirm', { code: generateTotp({ secret, now: Date.now() }) }),
        client.post('/api/mfa/email/confirm', { code: emailCode }),
      ]);

      for (const answer of answers) expect(answer.statusCode, answer.body).toBe(200);
      const shown = answers.filter((answer) => answer.json().backupCodes);
      expect(shown, `round ${round}`).toHaveLength(1);
      const stored = await ctx.db.db
        .select()
        .from(backupCodes)
        .where(and(eq(backupCodes.userId, user.id), isNull(backupCodes.usedAt)));
      expect(stored, `round ${round}`).toHaveLength(10);
      const active = await ctx.db.db
        .select({ type: mfaFactors.type })
        .from(mfaFactors)
        .where(and(eq(mfaFactors.userId, user.id), eq(mfaFactors.status, 'active')));
      expect(active.map((factor) => factor.type).sort()).toEqual(['email', 'totp']);
      const enabled = await ctx.db.db
        .select()
        .from(securityEvents)
        .where(and(eq(securityEvents.userId, user.id), eq(securityEvents.type, 'mfa.enabled')));
      expect(enabled, `round ${round}`).toHaveLength(1);
    }
  });

  it('without step-up, in the first minutes after sign-up, add one factor only', async () => {
    for (let round = 0; round < 4; round += 1) {
      const { client, email, user } = await signUp(ctx.app, ctx.db);
      const started = await client.post('/api/mfa/totp', {});
      expect(started.statusCode, started.body).toBe(201);
      const { secret } = started.json() as { secret: string };
      expect((await client.post('/api/mfa/email', {})).statusCode).toBe(201);
      const emailCode = await latestCode(ctx.db, email);
      const totpCode = generateTotp({ secret, now: Date.now() });

      // Each confirmation passes the first-factor check before the other commits; whichever
      // commits second is a second factor and must be refused.
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          i % 2 === 0
            ? client.post('/api/mfa/totp/confirm', { code: totpCode })
            : client.post('/api/mfa/email/confirm', { code: emailCode }),
        ),
      );
      const added = answers.filter((answer) => answer.statusCode === 200);
      expect(added, `round ${round}`).toHaveLength(1);
      const active = await ctx.db.db
        .select({ type: mfaFactors.type })
        .from(mfaFactors)
        .where(and(eq(mfaFactors.userId, user.id), eq(mfaFactors.status, 'active')));
      expect(active, `round ${round}`).toHaveLength(1);
    }
  });
});
