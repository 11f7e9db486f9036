import type { BenchContext } from './context.js';
import { LoadWorker } from './load.js';
import type { LoadResult, LoadSpec } from './load-spec.js';
import type { StatementTally } from './pg-stats.js';
import type { CpuUse, Figures, RunCounts } from './report.js';
import { sampleCpu, sampleMachineCpu, sampleRss, sampleTreeCpu, sleep } from './processes.js';
import { invalidRun } from './targets.js';

/** Pause between the warm-up and the measured run. */
const SETTLE_MS = 1_000;

export interface Measured {
  result: LoadResult;
  warmup: LoadResult | null;
  figures: Figures;
  counts: RunCounts;
  /** Why the measured run does not count (non-2xx, errors...), if it does not. */
  invalid: string | undefined;
  /** CPU use during the measured run, percent of one core (PostgreSQL: all its processes). */
  cpu: CpuUse;
}

export interface MeasureOptions {
  /** The process whose RSS is recorded. */
  pid: number;
  /** Load for the warm-up and, unless `measured` is given, the measured run too. */
  spec: LoadSpec;
  /** The measured run's load, made after the warm-up (e.g. sized from its rate). */
  measured?: (warmup: LoadResult | null) => Promise<LoadSpec> | LoadSpec;
  /** Right before the measured run starts (e.g. resetting statement statistics). */
  beforeMeasured?: () => Promise<void>;
  /** Seconds of warm-up, instead of the settings' (later rounds of a comparison). */
  warmupS?: number;
}

export const roundCpu = (value: number | null) => (value === null ? null : Math.round(value));

/** Rounded CPU figures, with the machine's remaining busy time as `other`. */
export function cpuUse(sample: {
  server: number | null;
  loadGenerator: number | null;
  postgres: number | null;
  machine: number | null;
}): CpuUse {
  const ours = (sample.server ?? 0) + (sample.loadGenerator ?? 0) + (sample.postgres ?? 0);
  return {
    server: roundCpu(sample.server),
    loadGenerator: roundCpu(sample.loadGenerator),
    postgres: roundCpu(sample.postgres),
    other: sample.machine === null ? null : Math.max(0, Math.round(sample.machine - ours)),
  };
}

export function figuresOf(result: LoadResult, rssMiB: number | null): Figures {
  return { reqPerSec: result.reqPerSec, p50Ms: result.p50Ms, p99Ms: result.p99Ms, rssMiB };
}

export function countsOf(result: LoadResult): RunCounts {
  return {
    requests: result.requests,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: result.statusCodes,
  };
}

/** A warm-up (not recorded), then the measured run with the server's RSS sampled throughout. */
export async function measure(ctx: BenchContext, options: MeasureOptions): Promise<Measured> {
  const { durationS } = ctx.settings;
  const warmupS = options.warmupS ?? ctx.settings.warmupS;
  const worker = await LoadWorker.start();
  try {
    const warmup = warmupS > 0 ? await worker.run({ ...options.spec, durationS: warmupS }) : null;
    const spec = options.measured ? await options.measured(warmup) : options.spec;
    // Requests the warm-up left in flight finish before anything is counted.
    if (warmup) await sleep(SETTLE_MS);
    await options.beforeMeasured?.();
    const rss = sampleRss(options.pid);
    const serverCpu = sampleCpu(options.pid);
    const generatorCpu = sampleCpu(worker.pid);
    const postgresCpu = ctx.postmasterPid ? sampleTreeCpu(ctx.postmasterPid) : null;
    const machineCpu = sampleMachineCpu();
    const result = await worker.run({ ...spec, durationS });
    const rssMiB = rss.stop();
    return {
      result,
      warmup,
      figures: figuresOf(result, rssMiB),
      counts: countsOf(result),
      invalid: invalidRun(result),
      cpu: cpuUse({
        server: serverCpu.stop(),
        loadGenerator: generatorCpu.stop(),
        postgres: postgresCpu?.stop() ?? null,
        machine: machineCpu.stop(),
      }),
    };
  } finally {
    await worker.stop();
  }
}

/**
 * `measure`, with the statements PostgreSQL ran for the measured run added to `tally`
 * (statistics reset right before it, read once every request written was served).
 */
export async function measureCounting(
  ctx: BenchContext,
  tally: StatementTally,
  options: Omit<MeasureOptions, 'beforeMeasured'>,
): Promise<Measured> {
  const run = await measure(ctx, { ...options, beforeMeasured: () => ctx.stats.reset() });
  await sleep(500);
  tally.add(await ctx.stats.read(), run.result.sent);
  return run;
}

/** Headers a same-origin browser page sends with a state-changing fetch (the CSRF check reads them). */
export function sameOriginHeaders(origin: string): Record<string, string> {
  return {
    origin,
    'sec-fetch-site': 'same-origin',
    'sec-fetch-mode': 'cors',
    'content-type': 'application/json',
  };
}
