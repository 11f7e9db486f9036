import { defaultPoolSize } from '@twofold/db';

/** Every knob of a run, from the environment, so a quick smoke run is one variable away. */
export interface Settings {
  /** Seconds of each measured run (BENCH_DURATION). */
  durationS: number;
  /** Seconds of load before each measured run, not recorded (BENCH_WARMUP). */
  warmupS: number;
  /**
   * Rounds of each paired comparison (BENCH_ROUNDS): baseline and plugin stack, raw and API
   * session reads, raw argon2 and sign-in run alternately this many times each.
   */
  rounds: number;
  /** Connections of the closed-loop HTTP scenarios (BENCH_CONNECTIONS). */
  connections: number;
  /** Signed-in sessions the session read rotates through (BENCH_SESSIONS). */
  sessions: number;
  /** Sign-ins (and raw argon2 verifies) kept in flight (BENCH_SIGNIN_CONCURRENCY). */
  signInConcurrency: number;
  /**
   * Accounts with a TOTP factor and an open challenge for the warm-up (BENCH_TOTP_WARMUP_USERS);
   * the measured run gets as many as the warm-up's rate asks for.
   */
  totpWarmupUsers: number;
  /** Seconds `pnpm dev` may take before the cold start counts as failed (BENCH_COLD_START_TIMEOUT). */
  coldStartTimeoutS: number;
  /**
   * PostgreSQL connections of the API and of the raw session route alike (DATABASE_POOL_SIZE;
   * unset: the API's own default, packages/db's `defaultPoolSize()`).
   */
  poolSize: number;
  /** Skip the cold-start scenario (BENCH_SKIP_COLD_START=1). */
  skipColdStart: boolean;
  /**
   * Only these scenarios (BENCH_ONLY, comma-separated ids: baseline, session, totp, sign-in,
   * isolation, cold-start); all when unset. Isolation needs session.
   */
  only: string[] | null;
}

/** Warm-up before a later round of a comparison: the server is warm, the connections are new. */
export const LATER_ROUND_WARMUP_S = 1;

/** Warm-up seconds before round `round` (from 0) of a comparison. */
export function roundWarmup(settings: Settings, round: number): number {
  return round === 0 ? settings.warmupS : Math.min(settings.warmupS, LATER_ROUND_WARMUP_S);
}

export const SCENARIO_IDS = ['baseline', 'session', 'totp', 'sign-in', 'isolation', 'cold-start'];

type Env = Record<string, string | undefined>;

function number(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${name} must be a number between ${min} and ${max} (got "${raw}")`);
  }
  return value;
}

export function readSettings(env: Env): Settings {
  const durationS = number(env, 'BENCH_DURATION', 10, 1, 600);
  return {
    durationS,
    warmupS: number(env, 'BENCH_WARMUP', 3, 0, 120),
    rounds: Math.round(number(env, 'BENCH_ROUNDS', 3, 1, 20)),
    connections: Math.round(number(env, 'BENCH_CONNECTIONS', 100, 1, 1000)),
    sessions: Math.round(number(env, 'BENCH_SESSIONS', 200, 1, 10_000)),
    signInConcurrency: Math.round(number(env, 'BENCH_SIGNIN_CONCURRENCY', 8, 1, 256)),
    totpWarmupUsers: Math.round(number(env, 'BENCH_TOTP_WARMUP_USERS', 5000, 100, 1_000_000)),
    coldStartTimeoutS: number(env, 'BENCH_COLD_START_TIMEOUT', 120, 5, 900),
    poolSize: Math.round(number(env, 'DATABASE_POOL_SIZE', defaultPoolSize(), 1, 1000)),
    skipColdStart: env.BENCH_SKIP_COLD_START === '1',
    only: scenarioList(env.BENCH_ONLY),
  };
}

function scenarioList(raw: string | undefined): string[] | null {
  const ids = (raw ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  if (ids.length === 0) return null;
  const unknown = ids.filter((id) => !SCENARIO_IDS.includes(id));
  if (unknown.length > 0) {
    throw new Error(
      `BENCH_ONLY: unknown scenario ${unknown.join(', ')} (known: ${SCENARIO_IDS.join(', ')})`,
    );
  }
  return ids;
}

/**
 * Challenges for the measured TOTP run, which stops once each was used (autocannon `amount`):
 * the warm-up's rate times the run's duration, so the run lasts about as long as the others
 * (plus 30%: the warm-up's rate includes its ramp-up), and at least two per connection.
 */
export function totpSupply(warmupRate: number, durationS: number, connections: number): number {
  return Math.max(2 * connections, Math.ceil(Math.max(0, warmupRate) * durationS * 1.3));
}
