import type { BenchContext } from '../lib/context.js';
import { LoadWorker } from '../lib/load.js';
import type { LoadSpec } from '../lib/load-spec.js';
import { countsOf, cpuUse, figuresOf, measure, roundCpu } from '../lib/measure.js';
import { sampleCpu, sampleMachineCpu, sampleRss, sampleTreeCpu } from '../lib/processes.js';
import { startApi } from '../lib/servers.js';
import { invalidRun } from '../lib/targets.js';
import { ensureSignInAccounts, signInSpec } from './sign-in.js';

/**
 * 5. Isolation: session reads at half their measured maximum, first alone, then while password
 * sign-ins saturate the CPU (each load from its own process). Targets the loaded p99.
 */
export async function runIsolation(ctx: BenchContext) {
  const { report, settings } = ctx;
  const max = ctx.shared.sessionMaxReqPerSec;
  const cookies = ctx.shared.sessionCookies;
  if (!max || !cookies) throw new Error('isolation needs a valid session read run first');
  const rate = Math.max(1, Math.round(max / 2));
  await ensureSignInAccounts(ctx);

  const api = await startApi(ctx);
  try {
    const reads: LoadSpec = {
      mode: 'paced',
      origin: api.origin,
      method: 'GET',
      path: '/api/auth/session',
      connections: settings.connections,
      rate,
      durationS: 0,
      rotation: { kind: 'cookies', cookies },
    };
    const alone = await measure(ctx, { pid: api.pid, spec: reads });
    report.addLoad({
      id: 'isolation-unloaded',
      label: `session read @${rate}/s alone`,
      figures: alone.figures,
      counts: alone.counts,
      details: {
        rate,
        maxConnections: settings.connections,
        latencyFrom: 'scheduled send time',
      },
      cpu: alone.cpu,
    });

    const readWorker = await LoadWorker.start('session read load');
    const signInWorker = await LoadWorker.start('sign-in load');
    try {
      const signIns = signInWorker.run({
        ...signInSpec(ctx, api),
        durationS: settings.warmupS + settings.durationS + 1,
      });
      if (settings.warmupS > 0) await readWorker.run({ ...reads, durationS: settings.warmupS });
      const rss = sampleRss(api.pid);
      const cpu = [api.pid, readWorker.pid, signInWorker.pid].map((pid) => sampleCpu(pid));
      const postgresCpu = ctx.postmasterPid ? sampleTreeCpu(ctx.postmasterPid) : null;
      const machineCpu = sampleMachineCpu();
      const loaded = await readWorker.run({ ...reads, durationS: settings.durationS });
      const rssMiB = rss.stop();
      const [apiCpu = null, readCpu = null, signInCpu = null] = cpu.map((sampler) =>
        sampler.stop(),
      );
      const loadedCpu = cpuUse({
        server: apiCpu,
        loadGenerator: readCpu === null ? null : readCpu + (signInCpu ?? 0),
        postgres: postgresCpu?.stop() ?? null,
        machine: machineCpu.stop(),
      });
      const background = await signIns;
      const loadedInvalid = invalidRun(loaded);
      const row = report.addLoad({
        id: 'isolation-loaded',
        label: `session read @${rate}/s + sign-ins`,
        figures: figuresOf(loaded, rssMiB),
        cpu: loadedCpu,
        counts: countsOf(loaded),
        details: {
          rate,
          latencyFrom: 'scheduled send time',
          signInLoadGeneratorCpu: roundCpu(signInCpu),
          signIns: {
            concurrency: settings.signInConcurrency,
            reqPerSec: background.reqPerSec,
            p99Ms: background.p99Ms,
            non2xx: background.non2xx,
            errors: background.errors,
          },
        },
      });
      const invalid = [
        alone.invalid && `alone: ${alone.invalid}`,
        loadedInvalid && `loaded: ${loadedInvalid}`,
      ]
        .filter(Boolean)
        .join('; ');
      report.addTarget({
        id: 'isolation-p99',
        scenario: row.id,
        description: `p99 ÷ alone p99 (${alone.figures.p99Ms?.toFixed(1) ?? '-'} ms)`,
        comparator: '<',
        threshold: 2,
        value:
          loaded.p99Ms !== null && alone.figures.p99Ms ? loaded.p99Ms / alone.figures.p99Ms : null,
        invalid: invalid || undefined,
      });
      report.note(
        `isolation: session reads at ${rate}/s (half of ${Math.round(max)}/s), p99 alone ${alone.figures.p99Ms?.toFixed(1)} ms, ` +
          `with sign-ins ${loaded.p99Ms?.toFixed(1)} ms; sign-ins meanwhile ${background.reqPerSec.toFixed(1)}/s ` +
          `(${background.non2xx} non-2xx, ${background.errors} errors). Latency counts from each request's scheduled time.`,
      );
    } finally {
      await readWorker.stop();
      await signInWorker.stop();
    }
  } finally {
    await api.stop();
  }
}
