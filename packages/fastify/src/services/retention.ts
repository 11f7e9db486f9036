import {
  RETENTION_DEFAULTS,
  RETENTION_KINDS,
  sweepDeadRows,
  type Database,
  type RetentionCounts,
  type RetentionRules,
} from '@twofold/db';
import type { Config } from '../config/config.js';
import { PENDING_FACTOR_TTL_MS } from './factors.js';
import { NOTICE_COOLDOWN_MS } from './notifications.js';

/** The logger methods a sweep writes to (a Fastify logger, or the console in the command). */
export interface RetentionLog {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  debug(object: object, message: string): void;
}

export interface RetentionDeps {
  db: Database;
  config: Config;
  now: () => Date;
  log: RetentionLog;
  /** Rows per delete; each batch is a short transaction of its own. */
  batchSize?: number;
}

export type SweepOutcome =
  | { status: 'done'; counts: RetentionCounts; ms: number }
  /** `locked`: another instance holds the sweep lock; `running`: a sweep of this one is on. */
  | { status: 'skipped'; reason: 'locked' | 'running'; counts: RetentionCounts; ms: number };

/** What counts as dead, from the configuration and the fixed lifetimes of the flows. */
export function retentionRules(config: Config): RetentionRules {
  return {
    ...RETENTION_DEFAULTS,
    pendingFactorMs: PENDING_FACTOR_TTL_MS,
    noticeCooldownMs: NOTICE_COOLDOWN_MS,
    sessionIdleMs: config.sessionIdleMs,
    unverifiedAccountMs: config.unverifiedAccountMs,
    devOutboxMs: config.devOutboxRetentionMs,
    securityEventMs: config.securityEventRetentionMs,
  };
}

const noCounts = () =>
  Object.fromEntries(RETENTION_KINDS.map((kind) => [kind, 0])) as RetentionCounts;

/** A failed query's own message lists its parameters: log the driver's error under it. */
function loggable(error: unknown): unknown {
  return error instanceof Error && 'query' in error && error.cause ? error.cause : error;
}

/**
 * The retention sweep: deletes what no flow can use any more (see `@twofold/db`'s retention
 * rules), one kind after another in small batches. One sweep at a time per process, and one
 * per database across instances (an advisory lock).
 */
export function createRetention({ db, config, now, log, batchSize }: RetentionDeps) {
  const rules = retentionRules(config);
  let running: Promise<SweepOutcome> | undefined;

  async function sweepOnce(): Promise<SweepOutcome> {
    const started = performance.now();
    const { counts, complete } = await sweepDeadRows(db, now(), rules, { batchSize });
    const ms = Math.round(performance.now() - started);
    if (complete) {
      // Counts only: never a row's contents.
      log.info({ deleted: counts, ms }, 'retention sweep');
      return { status: 'done', counts, ms };
    }
    const deleted = Object.values(counts).some((n) => n > 0);
    (deleted ? log.info : log.debug).call(
      log,
      { deleted: counts, ms },
      'retention sweep: another instance is sweeping; it does the rest',
    );
    return { status: 'skipped', reason: 'locked', counts, ms };
  }

  return {
    rules,

    /** One sweep now; rejects when the database fails (the command reports it). */
    sweep(): Promise<SweepOutcome> {
      if (running) {
        return Promise.resolve({ status: 'skipped', reason: 'running', counts: noCounts(), ms: 0 });
      }
      running = sweepOnce().finally(() => (running = undefined));
      return running;
    },

    /** A periodic sweep: a failure is logged and the next run tries again; never rejects. */
    async run(): Promise<SweepOutcome | undefined> {
      try {
        return await this.sweep();
      } catch (error) {
        log.warn({ err: loggable(error) }, 'retention sweep failed; the next run tries again');
        return undefined;
      }
    },

    /** Resolves once the sweep under way, if any, has ended (shutdown waits for it). */
    async settled(): Promise<void> {
      await running?.catch(() => {});
    },
  };
}

export type Retention = ReturnType<typeof createRetention>;
