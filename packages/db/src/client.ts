import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { MigrationConfig } from 'drizzle-orm/migrator';
import postgres from '#postgres';
import { bridgeLegacyLayout, MIGRATIONS_SCHEMA, MIGRATIONS_TABLE } from './legacy.js';
import * as schema from './schema/index.js';

export type Schema = typeof schema;

/** The Drizzle database, whichever driver is underneath; `db.query.<table>` is available. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

/** An app's own postgres.js client (`postgres(url)`), for `createDbClient({ postgres })`. */
export type PostgresClient = postgres.Sql;

/** The `tx` handed to `db.transaction(async (tx) => ...)`. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

export interface DbClientOptions {
  /** `postgres://...`: use a PostgreSQL server. Unset or empty: embedded PGlite. */
  url?: string;
  /**
   * An app's own postgres.js client: Twofold's queries run on its pool, and `close()` leaves it
   * open (the app owns it). Takes precedence over `url`.
   */
  postgres?: postgres.Sql;
  /** PGlite only: directory for file storage (created if missing). Unset: in memory. */
  dataDir?: string;
  /** PGlite only: start from a tarball made by `PGlite#dumpDataDir()`. */
  loadDataDir?: Blob | File;
  /** Apply the committed migrations before returning. Default true. */
  migrate?: boolean;
  /** postgres.js pool size. Default `defaultPoolSize()`. */
  maxConnections?: number;
  /** postgres.js connect timeout in seconds. Default 5. */
  connectTimeoutSeconds?: number;
}

export interface DbClient {
  db: Database;
  kind: 'pglite' | 'postgres';
  /** Runs `select 1`; rejects when the database is unreachable. */
  ping(): Promise<void>;
  /** Closes the pool or the embedded database. Safe to call more than once. */
  close(): Promise<void>;
}

/**
 * One connection per CPU core of this host, at least two. postgres.js pipelines queries on a
 * busy connection, so a few connections carry a full load, each write carries more queries and
 * PostgreSQL wakes fewer backends: on a 2-core host, 2 connections served more session reads
 * and TOTP verifies than 10 (figures by pool size in bench/README.md). Two, not one, so
 * a transaction (which holds its connection) never stalls every other query.
 */
export function defaultPoolSize(): number {
  return Math.max(2, availableParallelism());
}
const DEFAULT_CONNECT_TIMEOUT_SECONDS = 5;
/**
 * Seconds a pooled connection waits before reconnecting after a failed attempt. postgres.js's
 * default grows with the failures counted across the whole pool up to 20 s, so during an outage
 * queries sat waiting for it (requests hung instead of answering 503) and the pool came back
 * long after the server did. Capped at half a second, with jitter.
 */
function reconnectBackoff(retries: number): number {
  return Math.min(0.5, 0.025 * 2 ** retries) * (0.5 + Math.random() / 2);
}
/** Serialises start-up migrations when several instances boot against one server. */
const MIGRATION_LOCK_KEY = 7_268_373_301;

/**
 * The committed drizzle-kit output at the package root. `src/` and `dist/` sit at the same
 * depth, so the same relative URL works from the sources and from the build.
 */
export const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

export async function createDbClient(options: DbClientOptions = {}): Promise<DbClient> {
  if (options.postgres) return wrapPostgresClient(options.postgres, options);
  // An empty DATABASE_URL counts as unset.
  return options.url ? createPostgresClient(options.url, options) : createPgliteClient(options);
}

async function createPgliteClient(options: DbClientOptions): Promise<DbClient> {
  if (options.dataDir !== undefined) await mkdir(options.dataDir, { recursive: true });
  const pglite = await PGlite.create({
    ...(options.dataDir !== undefined && { dataDir: options.dataDir }),
    ...(options.loadDataDir !== undefined && { loadDataDir: options.loadDataDir }),
  });
  const db = drizzlePglite({ client: pglite, schema });
  const close = once(() => pglite.close());
  try {
    if (options.migrate ?? true) await migrateDatabase(db, migratePglite);
  } catch (error) {
    await close();
    throw error;
  }
  return { db, kind: 'pglite', ping: () => ping(db), close };
}

async function createPostgresClient(url: string, options: DbClientOptions): Promise<DbClient> {
  const connectTimeout = options.connectTimeoutSeconds ?? DEFAULT_CONNECT_TIMEOUT_SECONDS;
  if (options.migrate ?? true) await migratePostgresServer(url, connectTimeout);
  const client = postgres(url, {
    max: options.maxConnections ?? defaultPoolSize(),
    connect_timeout: connectTimeout,
    backoff: reconnectBackoff,
    prepare: true,
    onnotice: () => {},
  });
  preparedByDefault(client);
  const db = drizzlePostgres({ client, schema });
  const close = once(() => client.end({ timeout: 5 }));
  return { db, kind: 'postgres', ping: () => ping(db), close };
}

/**
 * An app's own client. Its `unsafe` is left as the app set it up, so Twofold's unnamed
 * statements are not prepared there (named ones still are). Migrations run on its pool while a
 * connection reserved from it holds the advisory lock `migratePostgresServer` takes, so
 * instances that start together still take turns; with a pool of one connection there is none
 * to spare for that, and migrations run unguarded.
 */
async function wrapPostgresClient(
  client: postgres.Sql,
  options: DbClientOptions,
): Promise<DbClient> {
  const db = drizzlePostgres({ client, schema });
  if (options.migrate ?? true) {
    const migrate = () => migrateDatabase(db, migratePostgres);
    if ((client.options.max ?? 1) < 2) {
      await migrate();
    } else {
      const lock = await client.reserve();
      try {
        await lock`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
        try {
          await migrate();
        } finally {
          await lock`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
        }
      } finally {
        lock.release();
      }
    }
  }
  return { db, kind: 'postgres', ping: () => ping(db), close: async () => {} };
}

/**
 * Drizzle runs every statement through `sql.unsafe`, which postgres.js never prepares unless
 * told to, and Drizzle tells it to only for statements given a name with `.prepare()`. So every
 * other query was parsed and planned again on each call. With this, each distinct statement
 * with parameters is prepared once per connection and then only bound and executed.
 */
function preparedByDefault(client: postgres.Sql): void {
  const unsafe = client.unsafe.bind(client);
  client.unsafe = ((query: string, args?: unknown[], options?: postgres.UnsafeQueryOptions) =>
    unsafe(query, args as postgres.ParameterOrJSON<never>[], {
      ...options,
      prepare: true,
    })) as typeof client.unsafe;
}

/**
 * Migrates over one dedicated connection holding a session advisory lock, so instances that
 * start together apply each migration once instead of racing on `CREATE TABLE`.
 */
async function migratePostgresServer(url: string, connectTimeout: number): Promise<void> {
  const client = postgres(url, { max: 1, connect_timeout: connectTimeout, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    await migrateDatabase(drizzlePostgres({ client }), migratePostgres);
  } finally {
    // Ending the session releases the lock even if the unlock query is never sent.
    await client.end({ timeout: 5 });
  }
}

/**
 * Applies Twofold's migrations, with their history in `twofold.__drizzle_migrations` (apart
 * from an app's own drizzle history), after bringing a Twofold 0.1 database forward if this is
 * one (src/legacy.ts).
 */
export async function migrateDatabase<D>(
  db: D,
  migrate: (db: D, config: MigrationConfig) => Promise<void>,
): Promise<void> {
  const run = migrate as unknown as Parameters<typeof bridgeLegacyLayout>[1];
  await bridgeLegacyLayout(db as never, run, migrationsFolder);
  await migrate(db, {
    migrationsFolder,
    migrationsSchema: MIGRATIONS_SCHEMA,
    migrationsTable: MIGRATIONS_TABLE,
  });
}

async function ping(db: Database): Promise<void> {
  await db.execute(sql`select 1`);
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let result: Promise<void> | undefined;
  return () => (result ??= fn());
}
