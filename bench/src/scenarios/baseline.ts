import type { BenchContext } from '../lib/context.js';
import type { LoadSpec } from '../lib/load-spec.js';
import { measure } from '../lib/measure.js';
import { alternate, invalidRound, medianRun, roundRates, roundRatios } from '../lib/rounds.js';
import { roundWarmup } from '../lib/settings.js';
import { ratio } from '../lib/stats.js';
import { startBare, startPluginStack } from '../lib/servers.js';

/** Why ratios to the baseline cannot be trusted, combined with the scenario's own reason. */
export function againstBaseline(ctx: BenchContext, own: string | undefined): string | undefined {
  const base = ctx.shared.baselineInvalid
    ? `baseline run invalid: ${ctx.shared.baselineInvalid}`
    : undefined;
  return [own, base].filter(Boolean).join('; ') || undefined;
}

/**
 * 1. Bare Fastify hello world (the baseline) and the full plugin stack on a no-op route, both
 * up at once and measured in alternating rounds.
 */
export async function runBaseline(ctx: BenchContext) {
  const { report, settings } = ctx;
  const spec = (origin: string, path: string): LoadSpec => ({
    mode: 'closed',
    origin,
    method: 'GET',
    path,
    connections: settings.connections,
    durationS: 0,
  });

  const bare = await startBare();
  try {
    const stack = await startPluginStack(ctx);
    try {
      const rounds = await alternate(
        settings.rounds,
        (round) =>
          measure(ctx, {
            pid: bare.pid,
            spec: spec(bare.origin, '/'),
            warmupS: roundWarmup(settings, round),
          }),
        (round) =>
          measure(ctx, {
            pid: stack.pid,
            spec: spec(stack.origin, '/api/auth/noop'),
            warmupS: roundWarmup(settings, round),
          }),
      );
      const base = medianRun(rounds.a);
      const baseInvalid = invalidRound(rounds.a);
      ctx.shared.baselineInvalid = baseInvalid;
      report.addLoad({
        id: 'baseline',
        label: 'baseline: bare fastify',
        figures: base.figures,
        counts: base.counts,
        baseline: true,
        details: {
          connections: settings.connections,
          route: 'GET / -> {hello:"world"}',
          roundReqPerSec: roundRates(rounds.a),
        },
        cpu: base.cpu,
      });
      if (baseInvalid) report.note(`baseline: ${baseInvalid}`);

      const run = medianRun(rounds.b);
      const ratios = roundRatios(rounds.a, rounds.b);
      const row = report.addLoad({
        id: 'plugin-stack',
        label: 'plugin stack: no-op route',
        figures: run.figures,
        counts: run.counts,
        details: {
          connections: settings.connections,
          route: 'GET /api/auth/noop (auth: public) added through buildApp({ extend })',
          roundReqPerSec: roundRates(rounds.b),
          roundRatios: ratios,
        },
        cpu: run.cpu,
      });
      report.addTarget({
        id: 'plugin-stack-vs-baseline',
        scenario: row.id,
        description: 'req/s ÷ baseline',
        comparator: '>=',
        threshold: 0.7,
        value: ratio(run.figures.reqPerSec, base.figures.reqPerSec),
        invalid: againstBaseline(ctx, invalidRound(rounds.b)),
      });
    } finally {
      await stack.stop();
    }
  } finally {
    await bare.stop();
  }
}
