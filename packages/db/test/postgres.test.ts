import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDbClient,
  createQueries,
  defaultPoolSize,
  migrationsFolder,
  type DbClient,
  members,
  reserveAttempt,
} from '../src/index.js';
import { createScratchDatabase, createTestDbClient } from '../src/testing.js';
import { insertUser } from './support.js';

const serverUrl = process.env.DATABASE_URL;

describe.skipIf(!serverUrl)('PostgreSQL server', () => {
  let admin: postgres.Sql;

  beforeAll(() => {
    admin = postgres(serverUrl!, { max: 1, onnotice: () => {} });
  });

  afterAll(async () => {
    await admin?.end();
  });

  async function databaseExists(name: string): Promise<boolean> {
    const rows = await admin`select 1 from pg_database where datname = ${name}`;
    return rows.length === 1;
  }

  /** A fresh database for `use`, given its URL; dropped afterwards whatever happens. */
  async function withScratchDatabase(use: (url: string) => Promise<void>): Promise<void> {
    const scratch = await createScratchDatabase(serverUrl!);
    try {
      await use(scratch.url);
    } finally {
      await scratch.drop();
    }
  }

  /** `use` with a client of one connection (so pg_prepared_statements sees all its statements). */
  function withOneConnection(use: (client: DbClient) => Promise<void>): Promise<void> {
    return withScratchDatabase(async (url) => {
      const client = await createDbClient({ url, maxConnections: 1 });
      try {
        await use(client);
      } finally {
        await client.close();
      }
    });
  }

  it("runs on an app's own postgres.js client, migrated over one of its connections, and leaves it open", async () => {
    await withScratchDatabase(async (url) => {
      const appSql = postgres(url, { max: 2, onnotice: () => {} });
      try {
        await appSql`create table orders (id serial primary key, total int)`;
        const client = await createDbClient({ postgres: appSql });
        const user = await insertUser(client.db);
        const queries = createQueries(client.db);
        expect((await queries.userByEmail.execute({ email: user.email }))?.id).toBe(user.id);
        // A second start finds nothing to apply.
        await createDbClient({ postgres: appSql });
        const [history] = await appSql`select count(*)::int as n from twofold.__drizzle_migrations`;
        expect(history?.n).toBe(readMigrationFiles({ migrationsFolder }).length);
        // Closing Twofold's side leaves the app's client (and its table) alone.
        await client.close();
        expect(await appSql`select count(*)::int as n from orders`).toEqual([{ n: 0 }]);
        const [lock] =
          await appSql`select count(*)::int as n from pg_locks where locktype = 'advisory'`;
        expect(lock?.n).toBe(0);
      } finally {
        await appSql.end();
      }
    });
  });

  it('opens at most defaultPoolSize() connections, however many queries wait', async () => {
    await withScratchDatabase(async (url) => {
      const client = await createDbClient({ url });
      const backends = async () => {
        const [row] = await admin<{ n: number }[]>`
          select count(*)::int as n from pg_stat_activity
          where datname = ${new URL(url).pathname.slice(1)} and pid <> pg_backend_pid()`;
        return row!.n;
      };
      try {
        const size = defaultPoolSize();
        expect(size).toBeGreaterThanOrEqual(2);
        // Promise.all starts them: a Drizzle query runs only once awaited.
        const sleeping = Promise.all(
          Array.from({ length: size + 4 }, () => client.db.execute(sql`select pg_sleep(0.3)`)),
        );
        await new Promise((resolve) => setTimeout(resolve, 150));
        expect(await backends()).toBe(size);
        await sleeping;
      } finally {
        await client.close();
      }
    });
  });

  it('gives each test client its own database and drops it on close', async () => {
    const client = await createTestDbClient();
    const [row] = await client.db
      .select({ name: sql<string>`current_database()` })
      .from(sql`(select 1) as one`);
    const name = row!.name;
    expect(name).toMatch(/^twofold_test_[0-9a-f]{16}$/);
    expect(await databaseExists(name)).toBe(true);
    await client.close();
    expect(await databaseExists(name)).toBe(false);
  });

  it('prepares each statement with parameters once per connection, builder or raw', async () => {
    await withOneConnection(async (client) => {
      const marker = randomBytes(4).toString('hex');
      const raw = () => client.db.execute(sql`select ${marker}::text as raw_${sql.raw(marker)}`);
      const built = () =>
        client.db
          .select({ id: members.id })
          .from(members)
          .where(eq(members.email, `${marker}@example.com`));
      for (let i = 0; i < 3; i++) await Promise.all([raw(), built()]);
      // One connection, so this sees that connection's statements.
      const prepared = await client.db.execute(
        sql`select statement from pg_prepared_statements where statement like ${`%${marker}%`} or statement like '%"twofold"."members"."email" = $1%'`,
      );
      const statements = (Array.isArray(prepared) ? prepared : []) as { statement: string }[];
      expect(statements.filter((row) => row.statement.includes(`raw_${marker}`))).toHaveLength(1);
      const builtText = built().toSQL().sql;
      expect(statements.filter((row) => row.statement === builtText)).toHaveLength(1);
    });
  });

  it("keeps the active-factor index usable by the hot statements' generic plans", async () => {
    // A statement whose generic plan is worse than a custom one gets planned again on every
    // execution. `status = 'active'` written as a parameter did that to the reservation: only
    // a literal matches the partial index on active factors.
    await withOneConnection(async ({ db }) => {
      const queries = createQueries(db);
      const user = await insertUser(db);
      const rules = { backoffThreshold: 5, maxDelaySeconds: 900, maxConsecutiveFailures: 100 };
      await reserveAttempt(db, { userId: user.id, now: new Date(), rules });
      await queries.sessionByTokenHash.execute({ tokenHash: 'none' });
      await queries.signInAccount.execute({ email: user.email });

      // One connection: these are the statements it prepared, planned here as generic plans.
      const rowsOf = <T>(result: unknown) => (Array.isArray(result) ? result : []) as T[];
      const prepared = rowsOf<{ name: string; statement: string; parameters: number }>(
        await db.execute(
          sql`select name, statement, cardinality(parameter_types)::int as parameters
              from pg_prepared_statements`,
        ),
      );
      await db.execute(sql`set plan_cache_mode = force_generic_plan`);
      const genericPlan = async (marker: string) => {
        const statement = prepared.find((row) => row.statement.includes(marker));
        if (!statement) throw new Error(`no prepared statement contains ${marker}`);
        const nulls = Array.from({ length: statement.parameters }, () => 'null').join(', ');
        const plan = rowsOf<{ 'QUERY PLAN': string }>(
          await db.execute(sql.raw(`explain execute "${statement.name}"(${nulls})`)),
        );
        return plan.map((line) => line['QUERY PLAN']).join('\n');
      };
      for (const marker of [
        'with "reserved" as (update "twofold"."members"',
        'from "twofold"."sessions" inner join "twofold"."members"',
        'string_agg(',
      ]) {
        expect(await genericPlan(marker), marker).toContain('mfa_factors_active_type_key');
      }
    });
  });

  it('applies migrations once when several instances start together', async () => {
    await withScratchDatabase(async (url) => {
      const clients = await Promise.all(
        Array.from({ length: 4 }, () => createDbClient({ url, maxConnections: 2 })),
      );
      const journal = JSON.parse(
        await readFile(join(migrationsFolder, 'meta/_journal.json'), 'utf8'),
      ) as {
        entries: unknown[];
      };
      const applied = await clients[0]!.db
        .select({ count: sql<number>`count(*)::int` })
        .from(sql`twofold.__drizzle_migrations`);
      expect(applied).toEqual([{ count: journal.entries.length }]);
      await Promise.all(clients.map((client) => client.close()));
    });
  });
});
