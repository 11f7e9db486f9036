import type { BenchContext } from '../lib/context.js';
import { measure } from '../lib/measure.js';
import { ratio } from '../lib/stats.js';
import { startBare, startPluginStack } from '../lib/servers.js';

/** Why ratios to the baseline cannot be trusted, combined with the scenario's own reason. */
export function againstBaseline(ctx: BenchContext, own: string | undefined): string | undefined {
  const base = ctx.shared.baselineInvalid
    ? `baseline run invalid: ${ctx.shared.baselineInvalid}`
    : undefined;
  return [own, base].filter(Boolean).join('; ') || undefined;
}

/** 1. Bare Fastify hello world (the baseline), then the full plugin stack on a no-op route. */
export async function runBaseline(ctx: BenchContext) {
  const { report, settings } = ctx;

  const bare = await startBare();
  try {
    const run = await measure(ctx, {
      pid: bare.pid,
      spec: {
        mode: 'closed',
        origin: bare.origin,
        method: 'GET',
        path: '/',
        connections: settings.connections,
        durationS: 0,
      },
    });
    ctx.shared.baselineInvalid = run.invalid;
    report.addLoad({
      id: 'baseline',
      label: 'baseline: bare fastify',
      figures: run.figures,
      counts: run.counts,
      baseline: true,
      details: {
        connections: settings.connections,
        route: 'GET / -> {hello:"world"}',
      },
      cpu: run.cpu,
    });
    if (run.invalid) report.note(`baseline: ${run.invalid}`);
  } finally {
    await bare.stop();
  }

  const stack = await startPluginStack(ctx);
  try {
    const run = await measure(ctx, {
      pid: stack.pid,
      spec: {
        mode: 'closed',
        origin: stack.origin,
        method: 'GET',
        path: '/api/auth/noop',
        connections: settings.connections,
        durationS: 0,
      },
    });
    const row = report.addLoad({
      id: 'plugin-stack',
      label: 'plugin stack: no-op route',
      figures: run.figures,
      counts: run.counts,
      details: {
        connections: settings.connections,
        route: 'GET /api/auth/noop (auth: public) added through buildApp({ extend })',
      },
      cpu: run.cpu,
    });
    report.addTarget({
      id: 'plugin-stack-vs-baseline',
      scenario: row.id,
      description: 'req/s ÷ baseline',
      comparator: '>=',
      threshold: 0.7,
      value: ratio(run.figures.reqPerSec, report.baseline?.reqPerSec),
      invalid: againstBaseline(ctx, run.invalid),
    });
  } finally {
    await stack.stop();
  }
}
