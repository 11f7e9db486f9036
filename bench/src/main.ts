/**
 * `pnpm bench`: starts everything it measures (a throwaway PostgreSQL, an SMTP sink, the
 * servers under test, load generators), runs each scenario after a warm-up, prints one table
 * and writes bench/results/latest.json. Targets that fail are reported, not fatal: the exit
 * code is non-zero only when the harness itself could not finish.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createContext, type BenchContext } from './lib/context.js';
import { repoRoot } from './lib/paths.js';
import { runCleanups, stopStarting } from './lib/processes.js';
import {
  ReportBuilder,
  type MachineInfo,
  type Report,
  type Row,
  type ScenarioRow,
} from './lib/report.js';
import { readSettings } from './lib/settings.js';
import { formatTable } from './lib/table.js';
import { runBaseline } from './scenarios/baseline.js';
import { runColdStart } from './scenarios/cold-start.js';
import { runIsolation } from './scenarios/isolation.js';
import { runSession } from './scenarios/session.js';
import { runSignIn } from './scenarios/sign-in.js';
import { runTotp } from './scenarios/totp.js';

const RESULTS = path.join(repoRoot, 'bench/results/latest.json');

const log = (message: string) => process.stderr.write(`bench: ${message}\n`);

/** An error for a note or the log: a failed query's message lists every parameter, so cut it short. */
function brief(error: unknown, stack = false): string {
  const text = stack
    ? ((error as Error).stack ?? String(error))
    : String((error as Error).message ?? error);
  return text.length > 1_500 ? `${text.slice(0, 1_500)}…` : text;
}

function machine(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryMiB: Math.round(os.totalmem() / 1024 / 1024),
    node: process.version,
    platform: os.platform(),
    release: os.release(),
    loadAverage: os.loadavg()[0] ?? 0,
  };
}

/** Runs during which processes other than the bench's took more than this much CPU (% of one core). */
const OTHER_CPU_NOTE = 15;

function busyRuns(rows: Row[]): string[] {
  return rows
    .filter((row): row is ScenarioRow => row.kind === 'load')
    .filter((row) => (row.cpu?.other ?? 0) > OTHER_CPU_NOTE)
    .map((row) => `"${row.label}" (${row.cpu?.other}%)`);
}

const SCENARIOS: [string, string, (ctx: BenchContext) => Promise<void>][] = [
  ['baseline', 'baseline and plugin stack', runBaseline],
  ['session', 'session read', runSession],
  ['totp', 'TOTP verify', runTotp],
  ['sign-in', 'password sign-in', runSignIn],
  ['isolation', 'isolation', runIsolation],
  ['cold-start', 'cold start (pnpm dev)', runColdStart],
];

async function main(): Promise<number> {
  const started = performance.now();
  const settings = readSettings(process.env);
  const report = new ReportBuilder();
  const host = machine();
  let failed = false;

  let interrupted = false;
  const interrupt = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: stopping everything the bench started`);
    stopStarting();
    void runCleanups().finally(() => process.exit(130));
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);

  try {
    log('starting PostgreSQL, the SMTP sink and the schema');
    const ctx = await createContext(settings, report);
    for (const [id, name, run] of SCENARIOS) {
      if (interrupted) break;
      if (settings.only && !settings.only.includes(id)) continue;
      if (id === 'cold-start' && settings.skipColdStart) {
        report.note('cold start skipped (BENCH_SKIP_COLD_START=1)');
        continue;
      }
      log(`${name}...`);
      try {
        await run(ctx);
      } catch (error) {
        failed = true;
        report.note(`${name} did not finish: ${brief(error)}`);
        log(`${name} failed: ${brief(error, true)}`);
      }
    }
    if (settings.only)
      report.note(`only these scenarios ran: ${settings.only.join(', ')} (BENCH_ONLY)`);
    const busy = busyRuns(report.rows);
    if (busy.length > 0) {
      report.note(
        `the machine was busy beyond the bench's processes during ${busy.join(', ')} ` +
          '(column "other": other processes, or kernel work charged to none): those figures are skewed by it',
      );
    }
  } catch (error) {
    failed = true;
    report.note(`set-up failed: ${brief(error)}`);
    log(`set-up failed: ${brief(error, true)}`);
  } finally {
    log('stopping everything the bench started');
    await runCleanups();
  }
  if (interrupted) return 130;

  const result: Report = {
    timestamp: new Date().toISOString(),
    machine: host,
    settings: {
      durationS: settings.durationS,
      warmupS: settings.warmupS,
      connections: settings.connections,
      sessions: settings.sessions,
      signInConcurrency: settings.signInConcurrency,
      poolSize: settings.poolSize,
      ...(settings.only && { only: settings.only.join(',') }),
    },
    rows: report.rows,
    targets: report.targets,
    notes: report.notes,
    harnessSeconds: (performance.now() - started) / 1000,
  };
  mkdirSync(path.dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(
    `${formatTable(result)}\n\nwritten to ${path.relative(process.cwd(), RESULTS)}\n`,
  );
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    console.error(error);
    await runCleanups();
    process.exit(1);
  },
);
