import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateDrizzleJson, generateMigration } from 'drizzle-kit/api';
import { describe, expect, it } from 'vitest';
import { migrationsFolder } from '../src/client.js';
import * as schema from '../src/schema/index.js';

interface Journal {
  entries: { idx: number; tag: string; when: number }[];
}

type Snapshot = Parameters<typeof generateMigration>[0];

async function readJournal(): Promise<Journal> {
  return JSON.parse(
    await readFile(join(migrationsFolder, 'meta/_journal.json'), 'utf8'),
  ) as Journal;
}

async function latestSnapshot(): Promise<Snapshot> {
  const files = (await readdir(join(migrationsFolder, 'meta')))
    .filter((file) => file.endsWith('_snapshot.json'))
    .sort();
  const latest = files.at(-1);
  if (!latest) throw new Error('no snapshot in drizzle/meta');
  return JSON.parse(await readFile(join(migrationsFolder, 'meta', latest), 'utf8')) as Snapshot;
}

/** The parts of a snapshot that describe the database, without its own id chain. */
function shape(snapshot: Snapshot): unknown {
  const { id: _id, prevId: _prevId, ...rest } = snapshot;
  return rest;
}

describe('committed migrations', () => {
  it('list every SQL file in the journal, in order, with one snapshot each', async () => {
    const journal = await readJournal();
    const sqlFiles = (await readdir(migrationsFolder))
      .filter((file) => file.endsWith('.sql'))
      .sort();
    const snapshots = (await readdir(join(migrationsFolder, 'meta'))).filter((file) =>
      file.endsWith('_snapshot.json'),
    );
    expect(journal.entries.map((entry) => `${entry.tag}.sql`)).toEqual(sqlFiles);
    expect(journal.entries.map((entry) => entry.idx)).toEqual(journal.entries.map((_, i) => i));
    const times = journal.entries.map((entry) => entry.when);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(snapshots).toHaveLength(sqlFiles.length);
  });

  it('match the schema (run `pnpm --filter @twofold/db generate` after changing it)', async () => {
    const committed = await latestSnapshot();
    const current = generateDrizzleJson(schema, committed.id);
    // Compared structurally first: drizzle-kit asks interactively about ambiguous renames.
    expect(shape(current), 'src/schema differs from drizzle/meta: generate a migration').toEqual(
      shape(committed),
    );
    expect(await generateMigration(committed, current)).toEqual([]);
  });

  it('would notice a column that has no migration', async () => {
    const committed = await latestSnapshot();
    const stale = structuredClone(committed);
    const members = stale.tables['twofold.members'] as
      { columns: Record<string, unknown> } | undefined;
    expect(members?.columns.updated_at).toBeDefined();
    delete members?.columns.updated_at;
    expect(shape(committed)).not.toEqual(shape(stale));
    expect(await generateMigration(stale, committed)).toEqual([
      expect.stringContaining('ALTER TABLE "twofold"."members" ADD COLUMN "updated_at"'),
    ]);
  });
});
