import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { loginChallenges } from '@twofold/db';
import type { BenchContext } from '../lib/context.js';
import type { LoadSpec } from '../lib/load-spec.js';
import { measure, sameOriginHeaders } from '../lib/measure.js';
import { sleep } from '../lib/processes.js';
import { seedTotpChallenges, type TotpPair } from '../lib/seed.js';
import { startApi } from '../lib/servers.js';
import { totpSupply } from '../lib/settings.js';
import { ratio } from '../lib/stats.js';
import { againstBaseline } from './baseline.js';

/** Challenges of these pairs that were consumed (each success consumes exactly one). */
async function consumed(ctx: BenchContext, pairs: TotpPair[]): Promise<number> {
  const hashes = pairs.map((pair) => pair.tokenHash);
  let total = 0;
  for (let i = 0; i < hashes.length; i += 1000) {
    const [row] = await ctx.db.db
      .select({ count: sql<number>`count(*)::int` })
      .from(loginChallenges)
      .where(
        and(
          inArray(loginChallenges.tokenHash, hashes.slice(i, i + 1000)),
          isNotNull(loginChallenges.consumedAt),
          eq(loginChallenges.purpose, 'mfa'),
        ),
      );
    total += row?.count ?? 0;
  }
  return total;
}

/**
 * 3. Second step with TOTP: `POST /api/auth/mfa/verify` with a right code, replay protection
 * on, for accounts whose challenges were created beforehand. Every request uses a challenge of
 * its own (one account, one time step, once), so every answer should be 200.
 */
export async function runTotp(ctx: BenchContext) {
  const { report, settings } = ctx;
  const warmupPairs = await seedTotpChallenges(ctx, settings.totpWarmupUsers);
  const api = await startApi(ctx);
  try {
    const spec = (pairs: TotpPair[]): LoadSpec => ({
      mode: 'closed',
      origin: api.origin,
      method: 'POST',
      path: '/api/auth/mfa/verify',
      connections: settings.connections,
      durationS: 0,
      headers: sameOriginHeaders(api.origin),
      rotation: { kind: 'totp', pairs: pairs.map(({ cookie, secret }) => ({ cookie, secret })) },
    });
    let measuredPairs: TotpPair[] = [];
    const run = await measure(ctx, {
      pid: api.pid,
      spec: spec(warmupPairs),
      async measured(warmup) {
        // Sized from the warm-up's rate; an exhausted warm-up supply means the rate was higher.
        const rate = warmup ? warmup.ok / warmup.durationS : 0;
        const count = warmup
          ? totpSupply(warmup.exhausted ? rate * 2 : rate, settings.durationS, settings.connections)
          : settings.totpWarmupUsers;
        measuredPairs = await seedTotpChallenges(ctx, count);
        // Ends once every challenge was used: nothing is cut off in flight, so each request
        // is counted whole in the statement statistics.
        return { ...spec(measuredPairs), amount: measuredPairs.length };
      },
      beforeMeasured: () => ctx.stats.reset(),
    });
    await sleep(500);
    const statements = await ctx.stats.read();
    const completed = await consumed(ctx, measuredPairs);
    const perRequest = completed > 0 ? statements.queries / completed : null;

    const row = report.addLoad({
      id: 'totp',
      label: 'TOTP verify (API)',
      figures: run.figures,
      counts: run.counts,
      details: {
        connections: settings.connections,
        accounts: measuredPairs.length,
        challengesUsed: run.result.used,
        measuredSeconds: run.result.durationS,
        warmupAccounts: warmupPairs.length,
      },
      cpu: run.cpu,
    });
    report.addTarget({
      id: 'totp-vs-baseline',
      scenario: row.id,
      description: 'req/s ÷ baseline',
      comparator: '>=',
      threshold: 0.08,
      value: ratio(run.figures.reqPerSec, report.baseline?.reqPerSec),
      invalid: againstBaseline(ctx, run.invalid),
    });
    const queriesRow = report.addValue({
      id: 'totp-queries',
      label: 'TOTP verify: queries/request',
      value: perRequest,
      unit: 'queries',
      note:
        perRequest === null
          ? 'no verify succeeded'
          : `+${(statements.transactionControl / completed).toFixed(2)} begin/commit`,
      details: { successfulVerifies: completed, ...statements },
    });
    report.addTarget({
      id: 'totp-queries',
      scenario: queriesRow.id,
      description: 'queries per verify',
      comparator: '<=',
      threshold: 3,
      value: perRequest,
      invalid: run.invalid,
    });
  } finally {
    await api.stop();
  }
}
