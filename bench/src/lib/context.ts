import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hash } from '@node-rs/argon2';
import postgres from 'postgres';
import { ARGON2_OPTIONS, ephemeralSecretEnv } from '@twofold/api';
import { createDbClient, type DbClient } from '@twofold/db';
import { startPostgres, type PostgresServer } from '@twofold/db/postgres-server';
import { createSecretBox, parseKeyList, type SecretBox } from '@twofold/mfa-core';
import type { ReportBuilder } from './report.js';
import { findPostmaster, onCleanup } from './processes.js';
import { statementStats } from './pg-stats.js';
import type { Settings } from './settings.js';
import { startSmtpSink } from './smtp-sink.js';

/** The password of every seeded account (hashed once, at the API's argon2id settings). */
export const BENCH_PASSWORD = 'bench: correct horse battery staple';
const DATABASE = 'twofold_bench';

export interface BenchContext {
  settings: Settings;
  report: ReportBuilder;
  pg: PostgresServer;
  /** The server's postmaster, to count the CPU its backends use; null if not found. */
  postmasterPid: number | null;
  databaseUrl: string;
  database: string;
  /** Drizzle over the bench database, for seeding. */
  db: DbClient;
  stats: ReturnType<typeof statementStats>;
  smtpUrl: string;
  /** SESSION_SECRETS, CODE_HMAC_KEY, ENCRYPTION_KEYS shared by every process of the run. */
  secrets: Record<string, string>;
  /** The key the API signs cookie JWTs with. */
  signingSecret: string;
  secretBox: SecretBox;
  passwordHash: string;
  /** A fresh directory for one process's DATA_DIR, removed at the end. */
  tempDir(prefix: string): string;
  /** Filled by the session scenario, used by the later ones. */
  shared: {
    sessionCookies?: string[];
    signInEmails?: string[];
    sessionMaxReqPerSec?: number;
    baselineInvalid?: string;
  };
}

export async function createContext(
  settings: Settings,
  report: ReportBuilder,
): Promise<BenchContext> {
  const pg = await startPostgres({
    settings: {
      shared_preload_libraries: 'pg_stat_statements',
      'pg_stat_statements.track_planning': 'on',
    },
  });
  onCleanup('PostgreSQL', () => pg.destroy());
  const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
  onCleanup('PostgreSQL admin connection', () => admin.end({ timeout: 5 }));
  await admin`create extension if not exists pg_stat_statements`;
  const databaseUrl = await pg.createDatabase(DATABASE);
  // Migrates the schema, as the API would at start-up.
  const db = await createDbClient({ url: databaseUrl, maxConnections: 4 });
  onCleanup('seeding connection', () => db.close());

  const smtp = await startSmtpSink();
  onCleanup('SMTP sink', () => smtp.close());

  const secrets = ephemeralSecretEnv() as Record<string, string>;
  const signingSecret = secrets.SESSION_SECRETS!.split(',')[0]!.trim();
  const secretBox = createSecretBox(parseKeyList(secrets.ENCRYPTION_KEYS!));
  const passwordHash = await hash(BENCH_PASSWORD.normalize('NFC'), ARGON2_OPTIONS);

  return {
    settings,
    report,
    pg,
    postmasterPid: findPostmaster(pg.port),
    databaseUrl,
    database: DATABASE,
    db,
    stats: statementStats(admin, DATABASE),
    smtpUrl: smtp.url,
    secrets,
    signingSecret,
    secretBox,
    passwordHash,
    tempDir(prefix) {
      const dir = mkdtempSync(path.join(tmpdir(), `twofold-bench-${prefix}-`));
      onCleanup(`temporary directory ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
      return dir;
    },
    shared: {},
  };
}
