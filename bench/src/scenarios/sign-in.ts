import type { Argon2LoopMessage, Argon2LoopRequest } from '../argon2-loop.js';
import { BENCH_PASSWORD, type BenchContext } from '../lib/context.js';
import type { LoadSpec } from '../lib/load-spec.js';
import { cpuUse, measureCounting, sameOriginHeaders } from '../lib/measure.js';
import { benchScript } from '../lib/paths.js';
import {
  baseEnv,
  sampleCpu,
  sampleMachineCpu,
  sampleRss,
  sampleTreeCpu,
  spawnNode,
} from '../lib/processes.js';
import { StatementTally } from '../lib/pg-stats.js';
import type { CpuUse, Figures } from '../lib/report.js';
import { alternate, invalidRound, medianRun, roundRates, roundRatios } from '../lib/rounds.js';
import { roundWarmup } from '../lib/settings.js';
import { ratio } from '../lib/stats.js';
import { loginBodies, seedUsers } from '../lib/seed.js';
import type { Server } from '../lib/servers.js';
import { startApi } from '../lib/servers.js';

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

type LoopResult = Extract<Argon2LoopMessage, { type: 'result' }>;

/** The raw @node-rs/argon2 verify loop in its own process, measured one round at a time. */
async function startArgon2Loop(ctx: BenchContext) {
  const { settings } = ctx;
  const loop = spawnNode(
    'argon2 loop',
    benchScript('argon2-loop.js'),
    { ...baseEnv(), NODE_ENV: 'production' },
    { ipc: true },
  );
  let exited = false;
  void loop.exited.then(() => (exited = true));
  await new Promise<void>((resolve, reject) => {
    loop.child.once('message', (message: Argon2LoopMessage) =>
      message.type === 'ready'
        ? resolve()
        : reject(new Error(`argon2 loop: ${JSON.stringify(message)}`)),
    );
    void loop.exited.then(() => reject(new Error(`argon2 loop exited:\n${loop.output()}`)));
  });

  /** One round: a warm-up, then verifies per second and RSS over the measured window. */
  const round = (warmupS: number) =>
    new Promise<{ result: LoopResult; figures: Figures; cpu: CpuUse; invalid: string | undefined }>(
      (resolve, reject) => {
        if (exited) return reject(new Error(`argon2 loop exited:\n${loop.output()}`));
        let rss: ReturnType<typeof sampleRss> | undefined;
        let cpu: ReturnType<typeof sampleCpu> | undefined;
        let postgresCpu: ReturnType<typeof sampleTreeCpu> | undefined;
        let machineCpu: ReturnType<typeof sampleMachineCpu> | undefined;
        const onMessage = (message: Argon2LoopMessage) => {
          if (message.type === 'measuring') {
            rss = sampleRss(loop.pid);
            cpu = sampleCpu(loop.pid);
            if (ctx.postmasterPid) postgresCpu = sampleTreeCpu(ctx.postmasterPid);
            machineCpu = sampleMachineCpu();
            return;
          }
          loop.child.off('message', onMessage);
          if (message.type !== 'result') {
            reject(
              new Error(
                `argon2 loop: ${message.type === 'error' ? message.message : message.type}`,
              ),
            );
            return;
          }
          resolve({
            result: message,
            figures: {
              reqPerSec: message.perSecond,
              p50Ms: message.p50Ms,
              p99Ms: message.p99Ms,
              rssMiB: rss?.stop() ?? null,
            },
            cpu: cpuUse({
              server: cpu?.stop() ?? null,
              loadGenerator: null,
              postgres: postgresCpu?.stop() ?? null,
              machine: machineCpu?.stop() ?? null,
            }),
            invalid: message.failures > 0 ? `${message.failures} failed verifies` : undefined,
          });
        };
        loop.child.on('message', onMessage);
        const request: Argon2LoopRequest = {
          type: 'run',
          hash: ctx.passwordHash,
          password: BENCH_PASSWORD.normalize('NFC'),
          concurrency: settings.signInConcurrency,
          warmupMs: warmupS * 1000,
          durationMs: settings.durationS * 1000,
        };
        loop.child.send(request);
      },
    );
  return { round, stop: () => loop.stop() };
}

/**
 * 4. Password sign-in at OWASP argon2id settings against a raw verify loop at the same
 * concurrency, measured in alternating rounds.
 */
export async function runSignIn(ctx: BenchContext) {
  const { report, settings } = ctx;
  await ensureSignInAccounts(ctx);
  const loop = await startArgon2Loop(ctx);
  try {
    const api = await startApi(ctx);
    try {
      const tally = new StatementTally();
      const rounds = await alternate(
        settings.rounds,
        (round) => loop.round(roundWarmup(settings, round)),
        (round) =>
          measureCounting(ctx, tally, {
            pid: api.pid,
            spec: signInSpec(ctx, api),
            warmupS: roundWarmup(settings, round),
          }),
      );

      const raw = medianRun(rounds.a);
      const rawInvalid = invalidRound(rounds.a);
      report.addLoad({
        id: 'argon2-raw',
        label: `argon2 verify loop (raw, C=${settings.signInConcurrency})`,
        figures: raw.figures,
        details: {
          concurrency: settings.signInConcurrency,
          verifies: raw.result.verifies,
          roundReqPerSec: roundRates(rounds.a),
        },
        cpu: raw.cpu,
      });

      const run = medianRun(rounds.b);
      const ratios = roundRatios(rounds.a, rounds.b);
      const row = report.addLoad({
        id: 'sign-in',
        label: `password sign-in (API, C=${settings.signInConcurrency})`,
        figures: run.figures,
        counts: run.counts,
        details: {
          concurrency: settings.signInConcurrency,
          accounts: ctx.shared.signInEmails?.length,
          roundReqPerSec: roundRates(rounds.b),
          roundRatiosToRaw: ratios,
        },
        cpu: run.cpu,
      });
      report.addTarget({
        id: 'sign-in-vs-raw-argon2',
        scenario: row.id,
        description: 'req/s ÷ raw argon2 verifies/s',
        comparator: '>=',
        threshold: 0.85,
        value: ratio(run.figures.reqPerSec, raw.figures.reqPerSec),
        invalid: invalidRound(rounds.b) ?? rawInvalid,
      });
      report.addValue(tally.row('sign-in-queries', 'password sign-in: queries/request'));
    } finally {
      await api.stop();
    }
  } finally {
    await loop.stop();
  }
}
