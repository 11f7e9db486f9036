import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { readMigrationFiles, type MigrationConfig } from 'drizzle-orm/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { asBoolean, rowsOf } from './queries.js';

type AnyDatabase = PgDatabase<PgQueryResultHKT, Record<string, unknown>>;
type Migrate = (db: AnyDatabase, config: MigrationConfig) => Promise<void>;

/** Twofold 0.1's migrations (tables in `public`), kept only to bring such a database forward. */
export const legacyMigrationsFolder = fileURLToPath(new URL('../legacy-drizzle', import.meta.url));

/** The schema and table drizzle's migrator keeps Twofold's history in. */
export const MIGRATIONS_SCHEMA = 'twofold';
export const MIGRATIONS_TABLE = '__drizzle_migrations';

/**
 * Whether the database holds Twofold 0.1's layout: no `twofold.members` yet, and a history in
 * `drizzle.__drizzle_migrations` whose every row is, in order, one of Twofold 0.1's own
 * migrations. Any other history (an app that uses drizzle itself, say) is never touched.
 */
async function isLegacyLayout(db: AnyDatabase): Promise<boolean> {
  const [found] = rowsOf<{ members: unknown; history: unknown }>(
    await db.execute(
      sql`select to_regclass('twofold.members') is not null as members, to_regclass('drizzle.__drizzle_migrations') is not null as history`,
    ),
  );
  if (asBoolean(found?.members) || !asBoolean(found?.history)) return false;
  const applied = rowsOf<{ hash: string }>(
    await db.execute(sql`select hash from drizzle.__drizzle_migrations order by created_at, id`),
  );
  const legacy = readMigrationFiles({ migrationsFolder: legacyMigrationsFolder });
  return (
    applied.length > 0 &&
    applied.length <= legacy.length &&
    applied.every((row, index) => row.hash === legacy[index]!.hash)
  );
}

/**
 * Brings a Twofold 0.1 database to the current layout: its remaining 0.1 migrations, then
 * `legacy-drizzle/to-twofold-schema.sql` and the record that the current baseline is applied,
 * in one transaction. Answers whether it did anything.
 */
export async function bridgeLegacyLayout(
  db: AnyDatabase,
  migrate: Migrate,
  migrationsFolder: string,
): Promise<boolean> {
  if (!(await isLegacyLayout(db))) return false;
  await migrate(db, { migrationsFolder: legacyMigrationsFolder });
  const bridge = readFileSync(`${legacyMigrationsFolder}/to-twofold-schema.sql`, 'utf8')
    .split('--> statement-breakpoint')
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
  const [baseline] = readMigrationFiles({ migrationsFolder });
  if (!baseline) throw new Error(`no migrations in ${migrationsFolder}`);
  await db.transaction(async (tx) => {
    for (const statement of bridge) await tx.execute(sql.raw(statement));
    // The table drizzle's migrator would create, with the baseline recorded as applied.
    await tx.execute(
      sql.raw(
        `create table if not exists "${MIGRATIONS_SCHEMA}"."${MIGRATIONS_TABLE}" (id serial primary key, hash text not null, created_at bigint)`,
      ),
    );
    await tx.execute(
      sql`insert into ${sql.identifier(MIGRATIONS_SCHEMA)}.${sql.identifier(MIGRATIONS_TABLE)} (hash, created_at) values (${baseline.hash}, ${baseline.folderMillis})`,
    );
  });
  return true;
}
