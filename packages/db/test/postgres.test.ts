import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDbClient, migrationsFolder } from '../src/index.js';
import { createTestDbClient } from '../src/testing.js';

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

  it('applies migrations once when several instances start together', async () => {
    const name = `twofold_test_${randomBytes(8).toString('hex')}`;
    await admin.unsafe(`create database "${name}"`);
    try {
      const url = new URL(serverUrl!);
      url.pathname = `/${name}`;
      const clients = await Promise.all(
        Array.from({ length: 4 }, () => createDbClient({ url: url.toString(), maxConnections: 2 })),
      );
      const journal = JSON.parse(
        await readFile(join(migrationsFolder, 'meta/_journal.json'), 'utf8'),
      ) as {
        entries: unknown[];
      };
      const applied = await clients[0]!.db
        .select({ count: sql<number>`count(*)::int` })
        .from(sql`drizzle.__drizzle_migrations`);
      expect(applied).toEqual([{ count: journal.entries.length }]);
      await Promise.all(clients.map((client) => client.close()));
    } finally {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
    }
  });
});
