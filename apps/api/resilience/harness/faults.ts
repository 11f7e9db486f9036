import postgres from 'postgres';
import type { Sql } from './flows.js';
import { waitFor } from './ports.js';

/** How long `fn` took, with its result (or its error, rethrown after measuring). */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: Math.round(performance.now() - started) };
}

export interface HeldLock {
  /** Rolls the locking transaction back and closes its connection. */
  release(): Promise<void>;
}

/**
 * Takes `LOCK TABLE <table> IN <mode> MODE` in an open transaction on a connection of its own,
 * so the API's next conflicting statement on that table waits until `release()`: a
 * deterministic way to hold a request in the middle of its work.
 */
export async function holdTableLock(
  databaseUrl: string,
  table: string,
  mode = 'ACCESS EXCLUSIVE',
): Promise<HeldLock> {
  const client = postgres(databaseUrl, {
    max: 1,
    onnotice: () => {},
    connection: { search_path: 'twofold' },
  });
  const connection = await client.reserve();
  await connection`begin`;
  await connection.unsafe(`lock table "${table}" in ${mode} mode`);
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      await connection`rollback`.catch(() => {});
      connection.release();
      await client.end({ timeout: 5 });
    },
  };
}

/** Waits until at least `count` backends of this database wait on a heavyweight lock. */
export async function waitForLockWaiters(sql: Sql, count = 1, timeoutMs = 15_000): Promise<void> {
  await waitFor(
    `${count} backend(s) waiting on a lock`,
    async () => {
      const [row] = await sql<{ n: number }[]>`
        select count(*)::int as n from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'`;
      return (row?.n ?? 0) >= count;
    },
    timeoutMs,
    25,
  );
}
