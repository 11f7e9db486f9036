import { evaluateTarget, type TargetResult, type TargetSpec } from './targets.js';
import { ratio } from './stats.js';

/** The four figures measured for every load scenario. */
export interface Figures {
  reqPerSec: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  /** Largest resident set size of the process under test during the measured run. */
  rssMiB: number | null;
}

export interface RunCounts {
  /** Completed requests in the measured run. */
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

/** CPU use during the measured run, in percent of one core. */
export interface CpuUse {
  /** The process under test. */
  server: number | null;
  /** The load generator(s). */
  loadGenerator?: number | null;
  /** PostgreSQL: the postmaster and every backend. */
  postgres?: number | null;
  /**
   * The rest of the machine's busy time: other processes, the bench's own main process, and
   * kernel work charged to no process. More than a few percent means outside work skewed the run.
   */
  other?: number | null;
}

export interface ScenarioRow {
  id: string;
  label: string;
  kind: 'load';
  figures: Figures;
  cpu?: CpuUse;
  /** Each figure divided by the baseline's same figure. */
  ratios: Figures;
  counts?: RunCounts;
  /** Scenario-specific figures (queries per request, concurrency, rates...). */
  details?: Record<string, unknown>;
}

/** A single figure without a load profile: queries per request, cold start seconds. */
export interface ValueRow {
  id: string;
  label: string;
  kind: 'value';
  value: number | null;
  unit: string;
  /** Shown after the value, e.g. "+2.0 begin/commit". */
  note?: string;
  details?: Record<string, unknown>;
}

export type Row = ScenarioRow | ValueRow;

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryMiB: number;
  node: string;
  platform: string;
  release: string;
  /** 1-minute load average just before the run: other work on the machine skews every figure. */
  loadAverage: number;
}

export interface Report {
  timestamp: string;
  machine: MachineInfo;
  settings: Record<string, number | string>;
  rows: Row[];
  targets: TargetResult[];
  /** Anything the reader should know: skipped parts, noisy figures, leftovers. */
  notes: string[];
  harnessSeconds: number;
}

export function ratiosTo(figures: Figures, baseline: Figures | undefined): Figures {
  return {
    reqPerSec: ratio(figures.reqPerSec, baseline?.reqPerSec),
    p50Ms: ratio(figures.p50Ms, baseline?.p50Ms),
    p99Ms: ratio(figures.p99Ms, baseline?.p99Ms),
    rssMiB: ratio(figures.rssMiB, baseline?.rssMiB),
  };
}

/** Collects rows and targets as scenarios finish, so a failed scenario leaves the others. */
export class ReportBuilder {
  readonly rows: Row[] = [];
  readonly targets: TargetResult[] = [];
  readonly notes: string[] = [];
  baseline: Figures | undefined;

  addLoad(row: Omit<ScenarioRow, 'kind' | 'ratios'> & { baseline?: boolean }): ScenarioRow {
    const { baseline, ...rest } = row;
    if (baseline) this.baseline = row.figures;
    const full: ScenarioRow = {
      ...rest,
      kind: 'load',
      ratios: ratiosTo(row.figures, this.baseline),
    };
    this.rows.push(full);
    return full;
  }

  addValue(row: Omit<ValueRow, 'kind'>): ValueRow {
    const full: ValueRow = { ...row, kind: 'value' };
    this.rows.push(full);
    return full;
  }

  addTarget(spec: TargetSpec): TargetResult {
    const result = evaluateTarget(spec);
    this.targets.push(result);
    return result;
  }

  note(message: string) {
    this.notes.push(message);
  }
}
