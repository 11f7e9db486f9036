import type { BenchContext } from '../lib/context.js';
import type { LoadSpec } from '../lib/load-spec.js';
import { measure } from '../lib/measure.js';
import { sleep } from '../lib/processes.js';
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
 */
export async function runSession(ctx: BenchContext) {
  const { report, settings } = ctx;
  const accounts = await seedUsers(ctx, 'session', settings.sessions);

  let api = await startApi(ctx);
  let apiBody: string;
  let cookies: string[];
  try {
    cookies = await signIn(
      api.origin,
      accounts.map((account) => account.email),
    );
    apiBody = await sessionBody(api.origin, cookies[0]!);
  } finally {
    await api.stop();
  }
  ctx.shared.sessionCookies = cookies;

  const raw = await startRawSession(ctx);
  let rawRate: number | null;
  try {
    const rawBody = await sessionBody(raw.origin, cookies[0]!);
    if (rawBody !== apiBody) {
      report.note(
        `raw session route answers differently from the API:\n    raw: ${rawBody}\n    api: ${apiBody}`,
      );
    }
    const run = await measure(ctx, {
      pid: raw.pid,
      spec: sessionSpec(ctx, raw, cookies),
      beforeMeasured: () => ctx.stats.reset(),
    });
    await sleep(500);
    const statements = await ctx.stats.read();
    rawRate = run.invalid ? null : run.figures.reqPerSec;
    report.addLoad({
      id: 'session-raw',
      label: 'session read: raw postgres.js',
      figures: run.figures,
      counts: run.counts,
      details: {
        connections: settings.connections,
        sessions: cookies.length,
        queriesPerRequest: statements.queries / Math.max(run.result.sent, 1),
      },
      cpu: run.cpu,
    });
    if (run.invalid) report.note(`session read (raw route): ${run.invalid}`);
  } finally {
    await raw.stop();
  }

  api = await startApi(ctx);
  try {
    const run = await measure(ctx, {
      pid: api.pid,
      spec: sessionSpec(ctx, api, cookies),
      beforeMeasured: () => ctx.stats.reset(),
    });
    // Every request written was (or is being) served, answered or not.
    await sleep(500);
    const statements = await ctx.stats.read();
    const served = Math.max(run.result.sent, 1);
    ctx.shared.sessionMaxReqPerSec = run.invalid ? undefined : (run.figures.reqPerSec ?? undefined);
    const row = report.addLoad({
      id: 'session',
      label: 'session read (API)',
      figures: run.figures,
      counts: run.counts,
      cpu: run.cpu,
      details: { connections: settings.connections, sessions: cookies.length },
    });
    report.addTarget({
      id: 'session-vs-baseline',
      scenario: row.id,
      description: 'req/s ÷ baseline',
      comparator: '>=',
      threshold: 0.3,
      value: ratio(run.figures.reqPerSec, report.baseline?.reqPerSec),
      invalid: againstBaseline(ctx, run.invalid),
    });
    report.addTarget({
      id: 'session-p99',
      scenario: row.id,
      description: `p99 at ${settings.connections} connections`,
      comparator: '<',
      threshold: 20,
      unit: ' ms',
      value: run.figures.p99Ms,
      invalid: run.invalid,
    });
    report.addTarget({
      id: 'session-vs-raw',
      scenario: row.id,
      description: 'req/s ÷ raw postgres.js route',
      comparator: '>=',
      threshold: 0.9,
      value: ratio(run.figures.reqPerSec, rawRate),
      invalid: run.invalid ?? (rawRate === null ? 'raw route run invalid' : undefined),
    });
    report.addValue({
      id: 'session-queries',
      label: 'session read: queries/request',
      value: statements.queries / served,
      unit: 'queries',
      note: `+${(statements.transactionControl / served).toFixed(2)} begin/commit`,
      details: { requestsServed: served, ...statements },
    });
  } finally {
    await api.stop();
  }
}
