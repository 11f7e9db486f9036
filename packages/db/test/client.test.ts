import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createDbClient, members, migrationsFolder } from '../src/index.js';
import { createTestDbClient } from '../src/testing.js';
import { insertUser } from './support.js';

const temporaryDirs: string[] = [];

afterAll(async () => {
  await Promise.all(temporaryDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('migrationsFolder', () => {
  it('points at the committed drizzle-kit output', async () => {
    expect(existsSync(join(migrationsFolder, 'meta/_journal.json'))).toBe(true);
  });
});

describe('createTestDbClient', () => {
  it('gives a migrated, empty database that answers ping and closes once', async () => {
    const client = await createTestDbClient();
    expect(client.kind).toBe(process.env.DATABASE_URL ? 'postgres' : 'pglite');
    await client.ping();
    expect(await client.db.$count(members)).toBe(0);
    await client.close();
    await expect(client.ping()).rejects.toThrow();
    await client.close();
  });

  it('rolls a failed transaction back', async () => {
    const client = await createTestDbClient();
    try {
      const failed = client.db.transaction(async (tx) => {
        await insertUser(tx);
        throw new Error('abort');
      });
      await expect(failed).rejects.toThrow('abort');
      expect(await client.db.$count(members)).toBe(0);
    } finally {
      await client.close();
    }
  });

  it('isolates clients from one another', async () => {
    const [a, b] = await Promise.all([createTestDbClient(), createTestDbClient()]);
    try {
      await insertUser(a.db);
      expect(await a.db.$count(members)).toBe(1);
      expect(await b.db.$count(members)).toBe(0);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('createDbClient with PGlite file storage', () => {
  it('creates the directory and keeps data across close and reopen', async () => {
    const root = await mkdtemp(join(tmpdir(), 'twofold-db-test-'));
    temporaryDirs.push(root);
    const dataDir = join(root, 'nested', 'pglite');

    const first = await createDbClient({ dataDir });
    expect(first.kind).toBe('pglite');
    const user = await insertUser(first.db);
    await first.close();

    const second = await createDbClient({ dataDir });
    try {
      const found = await second.db.query.members.findFirst({
        where: (u, { eq }) => eq(u.id, user.id),
      });
      expect(found?.email).toBe(user.email);
      const journal = JSON.parse(
        await readFile(join(migrationsFolder, 'meta/_journal.json'), 'utf8'),
      ) as {
        entries: unknown[];
      };
      const applied = await second.db
        .select({ count: sql<number>`count(*)::int` })
        .from(sql`twofold.__drizzle_migrations`);
      expect(applied).toEqual([{ count: journal.entries.length }]);
    } finally {
      await second.close();
    }
  }, 60_000);
});

describe('createDbClient with a server URL', () => {
  it('rejects ping when the server is unreachable', async () => {
    const client = await createDbClient({
      url: 'postgres://postgres@127.0.0.1:1/none',
      migrate: false,
      connectTimeoutSeconds: 1,
    });
    expect(client.kind).toBe('postgres');
    await expect(client.ping()).rejects.toThrow();
    await client.close();
  });

  it('refuses to start when migrations cannot reach the server', async () => {
    await expect(
      createDbClient({ url: 'postgres://postgres@127.0.0.1:1/none', connectTimeoutSeconds: 1 }),
    ).rejects.toThrow();
  });
});
