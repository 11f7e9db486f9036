import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createDbClient, RETENTION_KINDS, type DbClient } from '@twofold/db';
import { ConfigError } from '@twofold/fastify';
import { loadConfig } from '../config.js';
import { createRetention } from '@twofold/fastify/internal';

/**
 * `pnpm --filter @twofold/api sweep` (or `node apps/api/dist/cli/sweep.js`): one retention
 * sweep with the server's configuration and database, its counts printed. Exit 0 when it ran
 * (or another instance was sweeping), 1 with the reason when it could not.
 *
 * With embedded PGlite (no DATABASE_URL) stop the API first: PGlite's files belong to one
 * process at a time.
 */

export interface SweepCommandOptions {
  env?: Record<string, string | undefined>;
  /** A database owned by the caller (tests); otherwise the configured one, closed at the end. */
  db?: DbClient;
  now?: () => Date;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

const quiet = { info() {}, warn() {}, debug() {} };

/** The driver's message: a failed query's own message lists the statement and parameters. */
function reason(error: unknown): string {
  const cause = error instanceof Error && 'query' in error && error.cause ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

export async function main(options: SweepCommandOptions = {}): Promise<number> {
  const out = options.out ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const err = options.err ?? ((line: string) => console.error(line));
  let config;
  try {
    config = loadConfig(options.env ?? process.env, { log: err });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    err(`twofold sweep: ${error.message}`);
    return 1;
  }

  let client = options.db;
  const owned = !client;
  try {
    client ??= await createDbClient({
      url: config.databaseUrl,
      dataDir: config.databaseUrl ? undefined : path.join(config.dataDir, 'pglite'),
      maxConnections: 1,
    });
    const retention = createRetention({
      db: client.db,
      config,
      now: options.now ?? (() => new Date()),
      log: quiet,
    });
    const outcome = await retention.sweep();
    const width = Math.max(...RETENTION_KINDS.map((kind) => kind.length));
    for (const kind of RETENTION_KINDS) {
      out(`${kind.padEnd(width)}  ${outcome.counts[kind]}`);
    }
    const total = Object.values(outcome.counts).reduce((sum, n) => sum + n, 0);
    out(
      outcome.status === 'done'
        ? `deleted ${total} rows in ${outcome.ms} ms`
        : `deleted ${total} rows; another instance is sweeping and does the rest`,
    );
    return 0;
  } catch (error) {
    err(`twofold sweep: the sweep failed: ${reason(error)}`);
    return 1;
  } finally {
    if (owned) await client?.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
