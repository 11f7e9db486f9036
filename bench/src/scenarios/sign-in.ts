import type { Argon2LoopMessage, Argon2LoopRequest } from '../argon2-loop.js';
import { BENCH_PASSWORD, type BenchContext } from '../lib/context.js';
import type { LoadSpec } from '../lib/load-spec.js';
import { cpuUse, measure, sameOriginHeaders } from '../lib/measure.js';
import { benchScript } from '../lib/paths.js';
import {
  baseEnv,
  sampleCpu,
  sampleMachineCpu,
  sampleRss,
  sampleTreeCpu,
  sleep,
  spawnNode,
} from '../lib/processes.js';
import type { CpuUse } from '../lib/report.js';
import { loginBodies, seedUsers } from '../lib/seed.js';
import type { Server } from '../lib/servers.js';
import { startApi } from '../lib/servers.js';
import { ratio } from '../lib/stats.js';

/** Accounts for password sign-in (no MFA), shared by the sign-in and isolation scenarios. */
const SIGN_IN_ACCOUNTS = 100;

export async function ensureSignInAccounts(ctx: BenchContext): Promise<void> {
  if (ctx.shared.signInEmails) return;
  const accounts = await seedUsers(ctx, 'signin', SIGN_IN_ACCOUNTS);
  ctx.shared.signInEmails = accounts.map((account) => account.email);
}

/** `POST /api/auth/login` for accounts without MFA, round-robin, `concurrency` in flight. */
export function signInSpec(ctx: BenchContext, api: Server): LoadSpec {
  return {
    mode: 'closed',
    origin: api.origin,
    method: 'POST',
    path: '/api/auth/login',
    connections: ctx.settings.signInConcurrency,
    durationS: 0,
    headers: sameOriginHeaders(api.origin),
    rotation: { kind: 'bodies', bodies: loginBodies(ctx.shared.signInEmails ?? []) },
  };
}

/** The raw @node-rs/argon2 verify loop in its own process: verifies per second and RSS. */
async function rawArgon2(ctx: BenchContext) {
  const { settings } = ctx;
  const loop = spawnNode(
    'argon2 loop',
    benchScript('argon2-loop.js'),
    { ...baseEnv(), NODE_ENV: 'production' },
    { ipc: true },
  );
  try {
    return await new Promise<{
      result: Extract<Argon2LoopMessage, { type: 'result' }>;
      rssMiB: number | null;
      cpu: CpuUse;
    }>((resolve, reject) => {
      let rss: ReturnType<typeof sampleRss> | undefined;
      let cpu: ReturnType<typeof sampleCpu> | undefined;
      let postgresCpu: ReturnType<typeof sampleTreeCpu> | undefined;
      let machineCpu: ReturnType<typeof sampleMachineCpu> | undefined;
      loop.child.on('message', (message: Argon2LoopMessage) => {
        if (message.type === 'ready') {
          const request: Argon2LoopRequest = {
            type: 'run',
            hash: ctx.passwordHash,
            password: BENCH_PASSWORD.normalize('NFC'),
            concurrency: settings.signInConcurrency,
            warmupMs: settings.warmupS * 1000,
            durationMs: settings.durationS * 1000,
          };
          loop.child.send(request);
        } else if (message.type === 'measuring') {
          rss = sampleRss(loop.pid);
          cpu = sampleCpu(loop.pid);
          if (ctx.postmasterPid) postgresCpu = sampleTreeCpu(ctx.postmasterPid);
          machineCpu = sampleMachineCpu();
        } else if (message.type === 'result') {
          resolve({
            result: message,
            rssMiB: rss?.stop() ?? null,
            cpu: cpuUse({
              server: cpu?.stop() ?? null,
              loadGenerator: null,
              postgres: postgresCpu?.stop() ?? null,
              machine: machineCpu?.stop() ?? null,
            }),
          });
        } else {
          reject(new Error(`argon2 loop: ${message.message}`));
        }
      });
      void loop.exited.then(() => reject(new Error(`argon2 loop exited:\n${loop.output()}`)));
    });
  } finally {
    await loop.stop();
  }
}

/** 4. Password sign-in at OWASP argon2id settings against a raw verify loop at the same concurrency. */
export async function runSignIn(ctx: BenchContext) {
  const { report, settings } = ctx;
  await ensureSignInAccounts(ctx);
  const raw = await rawArgon2(ctx);
  const rawInvalid = raw.result.failures > 0 ? `${raw.result.failures} failed verifies` : undefined;
  report.addLoad({
    id: 'argon2-raw',
    label: `argon2 verify loop (raw, C=${settings.signInConcurrency})`,
    figures: {
      reqPerSec: raw.result.perSecond,
      p50Ms: raw.result.p50Ms,
      p99Ms: raw.result.p99Ms,
      rssMiB: raw.rssMiB,
    },
    details: {
      concurrency: settings.signInConcurrency,
      verifies: raw.result.verifies,
    },
    cpu: raw.cpu,
  });

  const api = await startApi(ctx);
  try {
    const run = await measure(ctx, {
      pid: api.pid,
      spec: signInSpec(ctx, api),
      beforeMeasured: () => ctx.stats.reset(),
    });
    await sleep(500);
    const statements = await ctx.stats.read();
    const served = Math.max(run.result.sent, 1);
    const row = report.addLoad({
      id: 'sign-in',
      label: `password sign-in (API, C=${settings.signInConcurrency})`,
      figures: run.figures,
      counts: run.counts,
      details: {
        concurrency: settings.signInConcurrency,
        accounts: ctx.shared.signInEmails?.length,
      },
      cpu: run.cpu,
    });
    report.addTarget({
      id: 'sign-in-vs-raw-argon2',
      scenario: row.id,
      description: 'req/s ÷ raw argon2 verifies/s',
      comparator: '>=',
      threshold: 0.85,
      value: ratio(run.figures.reqPerSec, raw.result.perSecond),
      invalid: run.invalid ?? rawInvalid,
    });
    report.addValue({
      id: 'sign-in-queries',
      label: 'password sign-in: queries/request',
      value: statements.queries / served,
      unit: 'queries',
      note: `+${(statements.transactionControl / served).toFixed(2)} begin/commit`,
      details: { requestsServed: served, ...statements },
    });
  } finally {
    await api.stop();
  }
}
