import { createHash, randomBytes } from 'node:crypto';
import { readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import postgres from '#postgres';
import { createDbClient, migrateDatabase, migrationsFolder } from './client.js';
import type { DbClient } from './client.js';

/**
 * A fresh, migrated, empty database for one test suite.
 *
 * - `DATABASE_URL` set: a new database named `twofold_test_<random>` on that server, dropped
 *   again by `close()`, so test files running in parallel never share rows.
 * - Otherwise: in-memory PGlite restored from a migrated snapshot cached in the OS temp
 *   directory, which skips the cold start and the migration run on every suite after the first.
 */
export async function createTestDbClient(): Promise<DbClient> {
  const url = process.env.DATABASE_URL;
  return url ? createServerTestClient(url) : createPgliteTestClient();
}

/** An empty database of its own on the server at `serverUrl`, and how to drop it again. */
export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Creates `twofold_test_<random>` on that server (no migrations); `drop()` removes it. */
export async function createScratchDatabase(serverUrl: string): Promise<ScratchDatabase> {
  const name = `twofold_test_${randomBytes(8).toString('hex')}`;
  await withAdminConnection(serverUrl, (admin) => admin.unsafe(`create database "${name}"`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      withAdminConnection(serverUrl, (admin) =>
        admin.unsafe(`drop database if exists "${name}" with (force)`),
      ),
  };
}

async function createServerTestClient(serverUrl: string): Promise<DbClient> {
  const scratch = await createScratchDatabase(serverUrl);
  let client: DbClient;
  try {
    client = await createDbClient({ url: scratch.url, maxConnections: 5 });
  } catch (error) {
    await scratch.drop();
    throw error;
  }
  let closed: Promise<void> | undefined;
  return {
    ...client,
    close: () =>
      (closed ??= (async () => {
        await client.close();
        await scratch.drop();
      })()),
  };
}

async function withAdminConnection(
  serverUrl: string,
  fn: (admin: postgres.Sql) => Promise<unknown>,
): Promise<void> {
  const admin = postgres(serverUrl, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await fn(admin);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

let snapshot: Promise<Blob> | undefined;

async function createPgliteTestClient(): Promise<DbClient> {
  snapshot ??= loadOrBuildSnapshot();
  try {
    return await createDbClient({ loadDataDir: await snapshot, migrate: false });
  } catch {
    // A damaged cache file: rebuild it once.
    await rm(await snapshotPath(), { force: true });
    snapshot = buildSnapshot();
    return createDbClient({ loadDataDir: await snapshot, migrate: false });
  }
}

async function loadOrBuildSnapshot(): Promise<Blob> {
  try {
    return new Blob([await readFile(await snapshotPath())]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return buildSnapshot();
  }
}

async function buildSnapshot(): Promise<Blob> {
  const pglite = await PGlite.create();
  try {
    await migrateDatabase(drizzle({ client: pglite }), migrate);
    const tarball = await pglite.dumpDataDir('gzip');
    await writeCacheFile(await snapshotPath(), new Uint8Array(await tarball.arrayBuffer()));
    return tarball;
  } finally {
    await pglite.close();
  }
}

/**
 * Test files run in parallel processes: each writes aside, then renames into place, so a
 * reader sees either no file or a whole one. The cache only saves time; failing to write it
 * is not an error.
 */
async function writeCacheFile(path: string, data: Uint8Array): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch {
    await rm(temporary, { force: true });
  }
}

let cachedSnapshotPath: Promise<string> | undefined;

/** Keyed by the migrations and the PGlite version, so any change yields a new snapshot. */
function snapshotPath(): Promise<string> {
  cachedSnapshotPath ??= (async () => {
    const hash = createHash('sha256');
    hash.update(`pglite ${await pgliteVersion()}\n`);
    const files = await listFiles(migrationsFolder);
    for (const file of files) {
      hash.update(`${file}\n`);
      hash.update(await readFile(join(migrationsFolder, file)));
    }
    return join(tmpdir(), `twofold-db-${hash.digest('hex').slice(0, 16)}.tar.gz`);
  })();
  return cachedSnapshotPath;
}

async function listFiles(root: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(join(root, prefix), { withFileTypes: true });
  const files = await Promise.all(
    entries.map((entry) => {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      return entry.isDirectory() ? listFiles(root, relative) : [relative];
    }),
  );
  return files.flat().sort();
}

async function pgliteVersion(): Promise<string> {
  // The package does not export its package.json: walk up from its entry point.
  let dir = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  for (;;) {
    try {
      const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === '@electric-sql/pglite') return manifest.version ?? 'unknown';
    } catch {
      // No manifest at this level.
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}
