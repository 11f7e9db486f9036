import type { BenchContext } from '../lib/context.js';
import type { LoadSpec } from '../lib/load-spec.js';
import { measureCounting } from '../lib/measure.js';
import { StatementTally } from '../lib/pg-stats.js';
import { alternate, invalidRound, medianRun, roundRates, roundRatios } from '../lib/rounds.js';
import { roundWarmup } from '../lib/settings.js';
import { seedUsers, signIn } from '../lib/seed.js';
import { startApi, startRawSession, type Server } from '../lib/servers.js';
import { ratio } from '../lib/stats.js';
import { againstBaseline } from './baseline.js';

function sessionSpec(ctx: BenchContext, server: Server, cookies: string[]): LoadSpec {
  return {
    mode: 'closed',
    origin: server.origin,
    method: 'GET',
    path: '/api/auth/session',
    connections: ctx.settings.connections,
    durationS: 0,
    rotation: { kind: 'cookies', cookies },
  };
}

/** The answer to one cookie, for comparing the raw route with the API's. */
async function sessionBody(origin: string, cookie: string): Promise<string> {
  const response = await fetch(`${origin}/api/auth/session`, { headers: { cookie } });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`session read answered ${response.status}: ${text}`);
  return text;
}

/**
 * 2. Session read: `GET /api/auth/session` with real session cookies (signed in over HTTP),
 * round-robin over many sessions; the same route written by hand with postgres.js as the floor.
 * Both servers are up at once and measured in alternating rounds.
 */
export async function runSession(ctx: BenchContext) {
  const { report, settings } = ctx;
  const accounts = await seedUsers(ctx, 'session', settings.sessions);

  const api = await startApi(ctx);
  try {
    const cookies = await signIn(
      api.origin,
      accounts.map((account) => account.email),
    );
    ctx.shared.sessionCookies = cookies;
    const apiBody = await sessionBody(api.origin, cookies[0]!);

    const raw = await startRawSession(ctx);
    try {
      const rawBody = await sessionBody(raw.origin, cookies[0]!);
      if (rawBody !== apiBody) {
        report.note(
          `raw session route answers differently from the API:\n    raw: ${rawBody}\n    api: ${apiBody}`,
        );
      }
      // Statements are counted in each measured run and summed per side.
      const tally = { raw: new StatementTally(), api: new StatementTally() };
      const round = (server: Server, side: 'raw' | 'api') => (index: number) =>
        measureCounting(ctx, tally[side], {
          pid: server.pid,
          spec: sessionSpec(ctx, server, cookies),
          warmupS: roundWarmup(settings, index),
        });
      const rounds = await alternate(settings.rounds, round(raw, 'raw'), round(api, 'api'));

      const rawRun = medianRun(rounds.a);
      const rawInvalid = invalidRound(rounds.a);
      report.addLoad({
        id: 'session-raw',
        label: 'session read: raw postgres.js',
        figures: rawRun.figures,
        counts: rawRun.counts,
        details: {
          connections: settings.connections,
          sessions: cookies.length,
          queriesPerRequest: tally.raw.perRequest,
          roundReqPerSec: roundRates(rounds.a),
        },
        cpu: rawRun.cpu,
      });
      if (rawInvalid) report.note(`session read (raw route): ${rawInvalid}`);

      const run = medianRun(rounds.b);
      const invalid = invalidRound(rounds.b);
      const ratios = roundRatios(rounds.a, rounds.b);
      ctx.shared.sessionMaxReqPerSec = invalid ? undefined : (run.figures.reqPerSec ?? undefined);
      const row = report.addLoad({
        id: 'session',
        label: 'session read (API)',
        figures: run.figures,
        counts: run.counts,
        cpu: run.cpu,
        details: {
          connections: settings.connections,
          sessions: cookies.length,
          roundReqPerSec: roundRates(rounds.b),
          roundRatiosToRaw: ratios,
        },
      });
      report.addTarget({
        id: 'session-vs-baseline',
        scenario: row.id,
        description: 'req/s ÷ baseline',
        comparator: '>=',
        threshold: 0.3,
        value: ratio(run.figures.reqPerSec, report.baseline?.reqPerSec),
        invalid: againstBaseline(ctx, invalid),
      });
      report.addTarget({
        id: 'session-p99',
        scenario: row.id,
        description: `p99 at ${settings.connections} connections`,
        comparator: '<',
        threshold: 20,
        unit: ' ms',
        value: run.figures.p99Ms,
        invalid,
      });
      report.addTarget({
        id: 'session-vs-raw',
        scenario: row.id,
        description: 'req/s ÷ raw postgres.js route',
        comparator: '>=',
        threshold: 0.9,
        value: ratio(run.figures.reqPerSec, rawRun.figures.reqPerSec),
        invalid: invalid ?? (rawInvalid ? `raw route ${rawInvalid}` : undefined),
      });
      report.addValue(tally.api.row('session-queries', 'session read: queries/request'));
    } finally {
      await raw.stop();
    }
  } finally {
    await api.stop();
  }
}
