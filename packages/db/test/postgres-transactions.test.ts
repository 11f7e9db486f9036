/**
 * `sql.begin()` in postgres.js reserves the connection its BEGIN went out on, through a hook the
 * connection calls after writing the query. Unpatched (3.4.9), that hook was skipped whenever
 * BEGIN was the query that filled the connection's pipeline or met a full socket buffer: the
 * transaction failed with UNSAFE_TRANSACTION (a 500 under load), and the connection went back to
 * the pool still inside the transaction, so unrelated queries ran in it and a later rollback
 * could take their writes along. The version we use is patched (patches/postgres@3.4.9.patch).
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../src/testing.js';

const serverUrl = process.env.DATABASE_URL;

class Refused extends Error {}

describe.skipIf(!serverUrl)('postgres.js transactions on a busy pool', () => {
  // A database of this file's own, dropped afterwards, like every suite run with DATABASE_URL.
  const table = 'tx_probe';
  let scratch: ScratchDatabase;
  let admin: postgres.Sql;

  beforeAll(async () => {
    scratch = await createScratchDatabase(serverUrl!);
    admin = postgres(scratch.url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create table "${table}" (id serial primary key, origin text not null)`);
  });

  afterAll(async () => {
    await admin?.end();
    await scratch?.drop();
  });

  /**
   * A pool with its own application name, so its server sessions can be told apart.
   * `max_pipeline` (queries sent ahead on one connection, default 100) is a postgres.js option
   * its type declarations leave out.
   */
  function pool({ max, maxPipeline }: { max: number; maxPipeline: number }) {
    const name = `tx-probe-${randomBytes(4).toString('hex')}`;
    const options = {
      max,
      max_pipeline: maxPipeline,
      onnotice: () => {},
      connection: { application_name: name },
    };
    const sql = postgres(scratch.url, options as postgres.Options<Record<string, never>>);
    return { sql, name };
  }

  /** Server sessions of the pool `name` still inside a transaction. */
  async function openTransactions(name: string) {
    const [row] = await admin<{ n: number }[]>`
      select count(*)::int as n from pg_stat_activity
      where application_name = ${name} and state like 'idle in transaction%'`;
    return row!.n;
  }

  it('opens a transaction even when every query fills the pipeline (max_pipeline: 0)', async () => {
    const { sql, name } = pool({ max: 2, maxPipeline: 0 });
    try {
      const [row] = await sql.begin((tx) => tx`select current_setting('application_name') as name`);
      expect(row).toEqual({ name });
      expect(await openTransactions(name)).toBe(0);
    } finally {
      await sql.end({ timeout: 5 });
    }
  });

  it('reserves the connection when BEGIN is the query that fills its pipeline', async () => {
    // Two connections, at most 3 queries waiting behind the running one on each. Both run a
    // sleep; plain inserts queue up behind them (alternating), then a transaction starts: its
    // BEGIN lands as the 1st...4th waiting query of a connection, the 3rd being the boundary.
    for (let queued = 0; queued <= 6; queued += 1) {
      const { sql, name } = pool({ max: 2, maxPipeline: 3 });
      try {
        await Promise.all([sql`select 1`.execute(), sql`select 1`.execute()]);
        const plain = () => sql`insert into ${sql(table)} (origin) values ('plain')`.execute();
        const running = [
          sql`select pg_sleep(0.05)`.execute(),
          sql`select pg_sleep(0.05)`.execute(),
        ];
        const before = Array.from({ length: queued }, plain);
        const transaction = sql.begin(async (tx) => {
          await tx`insert into ${tx(table)} (origin) values ('rolled back')`;
          throw new Refused();
        });
        const after = Array.from({ length: 4 }, plain);
        await expect(transaction).rejects.toBeInstanceOf(Refused);
        await Promise.all([...running, ...before, ...after]);
        expect(await openTransactions(name), `BEGIN after ${queued} queued`).toBe(0);
      } finally {
        await sql.end({ timeout: 5 });
      }
    }
    // Every plain write is there, and nothing of the rolled-back transactions.
    const counts = await admin.unsafe<{ origin: string; n: number }[]>(
      `select origin, count(*)::int as n from "${table}" group by origin order by origin`,
    );
    expect(counts).toEqual([{ origin: 'plain', n: 7 * 4 + (0 + 1 + 2 + 3 + 4 + 5 + 6) }]);
  });
});
