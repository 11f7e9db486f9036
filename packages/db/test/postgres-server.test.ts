import { existsSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { freePort, startPostgres } from '../src/postgres-server.js';

const binDir = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const serverInstalled = existsSync(join(binDir, 'initdb'));

describe('freePort', () => {
  it('finds a loopback port nobody listens on', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    expect(port).toBeLessThan(65536);
  });
});

describe('startPostgres', () => {
  it('refuses settings that would not survive the pg_ctl command line', async () => {
    await expect(startPostgres({ binDir, settings: { 'work_mem; rm': '1MB' } })).rejects.toThrow(
      /unsupported setting/,
    );
    await expect(startPostgres({ binDir, settings: { work_mem: "1MB' -c x=y" } })).rejects.toThrow(
      /unsupported setting/,
    );
  });

  // Needs Debian's PostgreSQL server binaries (CI installs them).
  it.skipIf(!serverInstalled)(
    'runs a throwaway cluster on loopback with extra settings, then deletes it',
    async () => {
      const server = await startPostgres({ binDir, settings: { work_mem: '8MB' } });
      try {
        const url = await server.createDatabase('extra');
        const sql = postgres(url, { max: 1, onnotice: () => {} });
        try {
          const [row] = await sql<{ work_mem: string; fsync: string }[]>`
            select current_setting('work_mem') as work_mem, current_setting('fsync') as fsync`;
          expect(row).toEqual({ work_mem: '8MB', fsync: 'off' });
        } finally {
          await sql.end();
        }
      } finally {
        await server.destroy();
      }
      const probe = postgres(server.url, { max: 1, connect_timeout: 2, onnotice: () => {} });
      await expect(probe`select 1`).rejects.toThrow();
      await probe.end();
    },
    60_000,
  );
});
