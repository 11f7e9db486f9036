/**
 * The bridge from Twofold 0.1 (tables in `public`, accounts in `public.users` with uuid ids,
 * history in `drizzle.__drizzle_migrations`) to the current layout (src/legacy.ts and
 * legacy-drizzle/to-twofold-schema.sql). On PGlite always, and on the PostgreSQL server too
 * when DATABASE_URL is set.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { asc, sql, type SQL } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDbClient, migrateDatabase, migrationsFolder, type Database } from '../src/client.js';
import { legacyMigrationsFolder } from '../src/legacy.js';
import { createQueries, rowsOf } from '../src/queries.js';
import * as schema from '../src/schema/index.js';
import { createScratchDatabase } from '../src/testing.js';
import { UNIQUE_VIOLATION, expectSqlState, insertUser } from './support.js';

/** An empty database on one driver, and the ways to migrate it. */
interface Target {
  db: Database;
  /** drizzle's migrator with its defaults (history in `drizzle.__drizzle_migrations`), as 0.1 ran it. */
  migrateLegacy(folder: string): Promise<void>;
  /** What the API runs at start-up. */
  migrateDatabase(): Promise<void>;
  /** Closes this connection and starts a client (`createDbClient`, migrating) on the same data. */
  restart(): Promise<Database>;
  close(): Promise<void>;
}

type Open = () => Promise<Target>;

function once(fn: () => Promise<void>): () => Promise<void> {
  let result: Promise<void> | undefined;
  return () => (result ??= fn());
}

const openPglite: Open = async () => {
  const pglite = await PGlite.create();
  const db = drizzlePglite({ client: pglite, schema });
  let restarted: Awaited<ReturnType<typeof createDbClient>> | undefined;
  return {
    db,
    migrateLegacy: (folder) => migratePglite(db, { migrationsFolder: folder }),
    migrateDatabase: () => migrateDatabase(db, migratePglite),
    restart: async () => {
      const dump = await pglite.dumpDataDir('gzip');
      await pglite.close();
      restarted = await createDbClient({ loadDataDir: dump });
      return restarted.db;
    },
    close: once(async () => {
      if (!pglite.closed) await pglite.close();
      await restarted?.close();
    }),
  };
};

const serverUrl = process.env.DATABASE_URL;

const openServer: Open = async () => {
  const scratch = await createScratchDatabase(serverUrl!);
  const client = postgres(scratch.url, { max: 1, onnotice: () => {} });
  const db = drizzlePostgres({ client, schema });
  let restarted: Awaited<ReturnType<typeof createDbClient>> | undefined;
  return {
    db,
    migrateLegacy: (folder) => migratePostgres(db, { migrationsFolder: folder }),
    migrateDatabase: () => migrateDatabase(db, migratePostgres),
    restart: async () => {
      await client.end({ timeout: 5 });
      restarted = await createDbClient({ url: scratch.url, maxConnections: 2 });
      return restarted.db;
    },
    close: once(async () => {
      await client.end({ timeout: 5 });
      await restarted?.close();
      await scratch.drop();
    }),
  };
};

const targets: [string, Open][] = [['PGlite', openPglite]];
if (serverUrl) targets.push(['PostgreSQL', openServer]);

async function rows<T>(db: Database, query: SQL | string): Promise<T[]> {
  return rowsOf<T>(await db.execute(typeof query === 'string' ? sql.raw(query) : query));
}

/** Runs each statement on its own (postgres.js sends one statement per query). */
async function run(db: Database, statements: string[]): Promise<void> {
  for (const statement of statements) await db.execute(sql.raw(statement));
}

/**
 * The `twofold` schema as the catalogs describe it: tables, columns in their order with type,
 * collation, nullability and default, constraints, indexes and sequences, each listed in a fixed
 * order.
 */
async function describeSchema(db: Database) {
  const [tables, columns, constraints, indexes, sequences] = await Promise.all([
    rows<{ name: string }>(
      db,
      `select table_name || ' ' || table_type as name from information_schema.tables
       where table_schema = 'twofold' order by table_name collate "C"`,
    ),
    rows<{ name: string }>(
      db,
      `select table_name || '.' || column_name || ' ' || data_type
         || coalesce(' collate ' || collation_name, '')
         || case when is_nullable = 'NO' then ' not null' else '' end
         || coalesce(' default ' || column_default, '') as name
       from information_schema.columns
       where table_schema = 'twofold' order by table_name collate "C", ordinal_position`,
    ),
    rows<{ name: string }>(
      db,
      `select t.relname || ' ' || c.conname || ': ' || pg_get_constraintdef(c.oid) as name
       from pg_constraint c join pg_class t on t.oid = c.conrelid
       where c.connamespace = 'twofold'::regnamespace
       order by t.relname collate "C", c.conname collate "C"`,
    ),
    rows<{ name: string }>(
      db,
      `select indexname || ': ' || indexdef as name from pg_indexes
       where schemaname = 'twofold' order by tablename collate "C", indexname collate "C"`,
    ),
    rows<{ name: string }>(
      db,
      `select sequence_name || ' ' || data_type as name from information_schema.sequences
       where sequence_schema = 'twofold' order by sequence_name collate "C"`,
    ),
  ]);
  const names = (list: { name: string }[]) => list.map((row) => row.name);
  return {
    tables: names(tables),
    columns: names(columns),
    constraints: names(constraints),
    indexes: names(indexes),
    sequences: names(sequences),
  };
}

async function publicTables(db: Database): Promise<string[]> {
  const found = await rows<{ name: string }>(
    db,
    `select table_name as name from information_schema.tables where table_schema = 'public'
     order by table_name collate "C"`,
  );
  return found.map((row) => row.name);
}

/** Twofold's history: hash and time of each migration recorded as applied. */
async function twofoldHistory(db: Database) {
  return rows<{ hash: string; created_at: string }>(
    db,
    'select hash, created_at::text as created_at from twofold.__drizzle_migrations order by id',
  );
}

async function legacyHistory(db: Database) {
  const found = await rows<{ hash: string }>(
    db,
    'select hash from drizzle.__drizzle_migrations order by created_at, id',
  );
  return found.map((row) => row.hash);
}

/** Every row of every Twofold table, through the current schema. */
async function contents(db: Database) {
  const s = schema;
  return {
    members: await db.select().from(s.members).orderBy(asc(s.members.id)),
    accounts: await db.select().from(s.accounts).orderBy(asc(s.accounts.userId)),
    sessions: await db.select().from(s.sessions).orderBy(asc(s.sessions.id)),
    loginChallenges: await db.select().from(s.loginChallenges).orderBy(asc(s.loginChallenges.id)),
    mfaFactors: await db.select().from(s.mfaFactors).orderBy(asc(s.mfaFactors.id)),
    backupCodes: await db.select().from(s.backupCodes).orderBy(asc(s.backupCodes.id)),
    emailCodes: await db.select().from(s.emailCodes).orderBy(asc(s.emailCodes.id)),
    trustedDevices: await db.select().from(s.trustedDevices).orderBy(asc(s.trustedDevices.id)),
    securityEvents: await db.select().from(s.securityEvents).orderBy(asc(s.securityEvents.id)),
    mfaPolicy: await db.select().from(s.mfaPolicy).orderBy(asc(s.mfaPolicy.role)),
    devOutbox: await db.select().from(s.devOutbox).orderBy(asc(s.devOutbox.id)),
    noticeCooldowns: await db.select().from(s.noticeCooldowns),
    history: await twofoldHistory(db),
  };
}

/**
 * Every migration of drizzle/, as the history records it: the bridge records the baseline, and
 * the later ones run after it.
 */
const everyMigration = readMigrationFiles({ migrationsFolder }).map((migration) => ({
  hash: migration.hash,
  created_at: String(migration.folderMillis),
}));
const legacyMigrations = readMigrationFiles({ migrationsFolder: legacyMigrationsFolder });

/** A copy of legacy-drizzle with only its first `count` migrations (a 0.1 install left behind). */
async function legacyPrefix(root: string, count: number): Promise<string> {
  const folder = join(root, `legacy-${count}`);
  await mkdir(join(folder, 'meta'), { recursive: true });
  const journal = JSON.parse(
    await readFile(join(legacyMigrationsFolder, 'meta/_journal.json'), 'utf8'),
  ) as { entries: { tag: string }[] };
  journal.entries = journal.entries.slice(0, count);
  await writeFile(join(folder, 'meta/_journal.json'), JSON.stringify(journal));
  for (const { tag } of journal.entries) {
    await copyFile(join(legacyMigrationsFolder, `${tag}.sql`), join(folder, `${tag}.sql`));
  }
  return folder;
}

const ALICE = '0b7c1f6e-52c4-4d4a-9a3e-5d2f7c0e1a01';
const BOB = '0b7c1f6e-52c4-4d4a-9a3e-5d2f7c0e1a02';
const TOTP = '1d2e3f40-0000-4000-8000-000000000001';
const PENDING_EMAIL = '1d2e3f40-0000-4000-8000-000000000002';
const SESSION = '2a3b4c5d-0000-4000-8000-000000000001';
const CHALLENGE = '3b4c5d6e-0000-4000-8000-000000000001';
const t = (iso: string) => new Date(iso);

/** Rows as Twofold 0.1 wrote them, in every table of its last migration. */
const LEGACY_ROWS = [
  `insert into public.users (id, email, password_hash, email_verified_at, role, password_changed_at,
     mfa_failed_attempts, mfa_locked_until, code_failed_attempts, code_locked_until, created_at, updated_at)
   values
     ('${ALICE}', 'alice@example.com', 'argon2id$alice', '2025-01-02T03:04:05Z', 'user',
      '2025-01-01T00:00:00Z', 0, null, 2, null, '2025-01-01T00:00:00Z', '2025-01-02T03:04:05Z'),
     ('${BOB}', 'bob@example.com', 'argon2id$bob', '2025-02-01T00:00:00Z', 'admin',
      '2025-02-03T00:00:00Z', 3, '2030-01-01T00:00:00Z', 0, null, '2025-02-01T00:00:00Z', '2025-02-04T00:00:00Z')`,
  `insert into public.sessions (id, token_hash, user_id, aal, amr, scope, ip, user_agent, created_at,
     last_seen_at, expires_at)
   values ('${SESSION}', 'token-hash-bob', '${BOB}', 2, '["pwd","otp"]', 'full', '192.0.2.1', 'Firefox',
     '2025-03-01T00:00:00Z', '2025-03-01T01:00:00Z', '2099-01-01T00:00:00Z')`,
  `insert into public.mfa_factors (id, user_id, type, status, secret_ciphertext, secret_key_id,
     last_used_step, created_at, confirmed_at, last_used_at, session_id)
   values
     ('${TOTP}', '${BOB}', 'totp', 'active', 'v1.box', 'k1', 58000000, '2025-02-02T00:00:00Z',
      '2025-02-02T00:01:00Z', '2025-03-01T00:00:00Z', null),
     ('${PENDING_EMAIL}', '${BOB}', 'email', 'pending', null, null, null, '2025-03-01T00:30:00Z',
      null, null, '${SESSION}')`,
  `insert into public.backup_codes (user_id, code_hash, created_at, used_at)
   values ('${BOB}', 'code-hash-1', '2025-02-02T00:01:00Z', null),
          ('${BOB}', 'code-hash-2', '2025-02-02T00:01:00Z', '2025-02-20T00:00:00Z')`,
  `insert into public.login_challenges (id, token_hash, user_id, purpose, created_at, expires_at)
   values ('${CHALLENGE}', 'challenge-hash', '${ALICE}', 'mfa', '2025-03-01T00:00:00Z', '2099-01-01T00:00:00Z')`,
  `insert into public.email_codes (user_id, purpose, challenge_id, code_hash, address, attempts,
     created_at, expires_at)
   values ('${ALICE}', 'login', '${CHALLENGE}', 'email-code-hash', null, 1, '2025-03-01T00:00:00Z', '2099-01-01T00:00:00Z'),
          ('${ALICE}', 'email_change', null, 'change-code-hash', 'alice@new.example', 0,
           '2025-03-01T00:00:00Z', '2099-01-01T00:00:00Z')`,
  `insert into public.trusted_devices (user_id, token_hash, label, created_at, expires_at)
   values ('${BOB}', 'device-hash', 'Firefox on Linux', '2025-03-01T00:00:00Z', '2099-01-01T00:00:00Z')`,
  `insert into public.security_events (user_id, actor_id, type, metadata, created_at)
   values ('${BOB}', null, 'mfa.enabled', '{"type":"totp"}', '2025-02-02T00:01:00Z'),
          ('${ALICE}', '${BOB}', 'admin.mfa_reset', '{}', '2025-02-10T00:00:00Z'),
          (null, null, 'login.failed', '{"email":"nobody@example.com"}', '2025-02-11T00:00:00Z')`,
  `insert into public.mfa_policy (role, required, grace_days, required_since, updated_at, updated_by)
   values ('admin', true, 3, '2025-02-05T00:00:00Z', '2025-02-05T00:00:00Z', '${BOB}')`,
  `insert into public.dev_outbox ("to", subject, text, html, created_at)
   values ('alice@example.com', 'Your code', '123456', '<p>123456</p>', '2025-03-01T00:00:00Z')`,
  `insert into public.notice_cooldowns (recipient, kind, sent_at)
   values ('alice@example.com', 'signup_attempt', '2025-03-01T00:00:00Z')`,
];

describe.each(targets)('the bridge from Twofold 0.1 on %s', (_name, open) => {
  const opened: Target[] = [];
  let root: string;
  let fresh: Awaited<ReturnType<typeof describeSchema>>;

  async function start(): Promise<Target> {
    const target = await open();
    opened.push(target);
    return target;
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'twofold-legacy-test-'));
    const install = await start();
    await install.migrateDatabase();
    fresh = await describeSchema(install.db);
    await install.close();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(opened.map((target) => target.close()));
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('describes a fresh install', () => {
    // The description is a real one: every table of the schema, with its history beside them.
    expect(fresh.tables).toEqual(
      [
        '__drizzle_migrations',
        'accounts',
        'backup_codes',
        'dev_outbox',
        'email_codes',
        'login_challenges',
        'members',
        'mfa_factors',
        'mfa_policy',
        'notice_cooldowns',
        'security_events',
        'sessions',
        'trusted_devices',
      ].map((table) => `${table} BASE TABLE`),
    );
    expect(fresh.columns).toContain('members.id text collate C not null');
    expect(fresh.constraints).toContain(
      'sessions sessions_user_id_members_id_fk: FOREIGN KEY (user_id) REFERENCES twofold.members(id) ON DELETE CASCADE',
    );
    expect(fresh.indexes).toContain(
      'accounts_email_lower_key: CREATE UNIQUE INDEX accounts_email_lower_key ON twofold.accounts USING btree (lower(email))',
    );
  });

  it('moves a 0.1 database, rows and all, to the layout of a fresh install', async () => {
    const target = await start();
    const { db } = target;
    await target.migrateLegacy(legacyMigrationsFolder);
    await run(db, LEGACY_ROWS);

    await target.migrateDatabase();

    expect(await publicTables(db)).toEqual([]);
    expect(await describeSchema(db)).toEqual(fresh);
    const moved = await contents(db);
    expect(moved.history).toEqual(everyMigration);
    expect(moved.members).toEqual([
      {
        id: ALICE,
        email: 'alice@example.com',
        emailVerifiedAt: t('2025-01-02T03:04:05Z'),
        role: 'user',
        mfaFailedAttempts: 0,
        mfaLockedUntil: null,
        codeFailedAttempts: 2,
        codeLockedUntil: null,
        createdAt: t('2025-01-01T00:00:00Z'),
        updatedAt: t('2025-01-02T03:04:05Z'),
      },
      {
        id: BOB,
        email: 'bob@example.com',
        emailVerifiedAt: t('2025-02-01T00:00:00Z'),
        role: 'admin',
        mfaFailedAttempts: 3,
        mfaLockedUntil: t('2030-01-01T00:00:00Z'),
        codeFailedAttempts: 0,
        codeLockedUntil: null,
        createdAt: t('2025-02-01T00:00:00Z'),
        updatedAt: t('2025-02-04T00:00:00Z'),
      },
    ]);
    expect(moved.accounts).toEqual([
      {
        userId: ALICE,
        email: 'alice@example.com',
        passwordHash: 'argon2id$alice',
        passwordChangedAt: t('2025-01-01T00:00:00Z'),
        createdAt: t('2025-01-01T00:00:00Z'),
      },
      {
        userId: BOB,
        email: 'bob@example.com',
        passwordHash: 'argon2id$bob',
        passwordChangedAt: t('2025-02-03T00:00:00Z'),
        createdAt: t('2025-02-01T00:00:00Z'),
      },
    ]);
    expect(moved.sessions).toEqual([
      expect.objectContaining({
        id: SESSION,
        userId: BOB,
        tokenHash: 'token-hash-bob',
        aal: 2,
        amr: ['pwd', 'otp'],
        expiresAt: t('2099-01-01T00:00:00Z'),
      }),
    ]);
    expect(moved.mfaFactors).toEqual([
      {
        id: TOTP,
        userId: BOB,
        type: 'totp',
        status: 'active',
        secretCiphertext: 'v1.box',
        secretKeyId: 'k1',
        lastUsedStep: 58000000,
        createdAt: t('2025-02-02T00:00:00Z'),
        confirmedAt: t('2025-02-02T00:01:00Z'),
        lastUsedAt: t('2025-03-01T00:00:00Z'),
        sessionId: null,
      },
      expect.objectContaining({
        id: PENDING_EMAIL,
        userId: BOB,
        status: 'pending',
        sessionId: SESSION,
      }),
    ]);
    expect(
      moved.backupCodes.map(({ userId, codeHash, usedAt }) => ({ userId, codeHash, usedAt })),
    ).toEqual(
      expect.arrayContaining([
        { userId: BOB, codeHash: 'code-hash-1', usedAt: null },
        { userId: BOB, codeHash: 'code-hash-2', usedAt: t('2025-02-20T00:00:00Z') },
      ]),
    );
    expect(moved.backupCodes).toHaveLength(2);
    expect(moved.loginChallenges).toEqual([
      expect.objectContaining({ id: CHALLENGE, userId: ALICE, purpose: 'mfa' }),
    ]);
    expect(
      moved.emailCodes.map(({ userId, purpose, challengeId, codeHash, address, attempts }) => ({
        userId,
        purpose,
        challengeId,
        codeHash,
        address,
        attempts,
      })),
    ).toEqual(
      expect.arrayContaining([
        {
          userId: ALICE,
          purpose: 'login',
          challengeId: CHALLENGE,
          codeHash: 'email-code-hash',
          address: null,
          attempts: 1,
        },
        {
          userId: ALICE,
          purpose: 'email_change',
          challengeId: null,
          codeHash: 'change-code-hash',
          address: 'alice@new.example',
          attempts: 0,
        },
      ]),
    );
    expect(moved.emailCodes).toHaveLength(2);
    expect(moved.trustedDevices).toEqual([
      expect.objectContaining({ userId: BOB, tokenHash: 'device-hash', label: 'Firefox on Linux' }),
    ]);
    expect(
      moved.securityEvents.map(({ userId, actorId, type, metadata }) => ({
        userId,
        actorId,
        type,
        metadata,
      })),
    ).toEqual(
      expect.arrayContaining([
        { userId: BOB, actorId: null, type: 'mfa.enabled', metadata: { type: 'totp' } },
        { userId: ALICE, actorId: BOB, type: 'admin.mfa_reset', metadata: {} },
        {
          userId: null,
          actorId: null,
          type: 'login.failed',
          metadata: { email: 'nobody@example.com' },
        },
      ]),
    );
    expect(moved.securityEvents).toHaveLength(3);
    expect(moved.mfaPolicy).toEqual([
      {
        role: 'admin',
        required: true,
        graceDays: 3,
        requiredSince: t('2025-02-05T00:00:00Z'),
        updatedAt: t('2025-02-05T00:00:00Z'),
        updatedBy: BOB,
      },
    ]);
    expect(moved.devOutbox).toEqual([
      expect.objectContaining({ to: 'alice@example.com', subject: 'Your code' }),
    ]);
    expect(moved.noticeCooldowns).toEqual([
      { recipient: 'alice@example.com', kind: 'signup_attempt', sentAt: t('2025-03-01T00:00:00Z') },
    ]);

    // Once bridged, a start-up finds nothing to do.
    await target.migrateDatabase();
    expect(await contents(db)).toEqual(moved);
    expect(await describeSchema(db)).toEqual(fresh);

    // A client started on the bridged data serves the accounts as before.
    const restarted = await target.restart();
    expect(await contents(restarted)).toEqual(moved);
    const queries = createQueries(restarted);
    const bob = await queries.signInAccount.execute({ email: 'BOB@example.com' });
    expect(bob).toEqual({
      user: {
        ...moved.members[1],
        passwordHash: 'argon2id$bob',
        passwordChangedAt: t('2025-02-03T00:00:00Z'),
      },
      factorTypes: ['totp'],
      backupCodesLeft: 1,
      policy: { required: true, graceDays: 3, requiredSince: t('2025-02-05T00:00:00Z') },
    });
    const session = await queries.sessionByTokenHash.execute({ tokenHash: 'token-hash-bob' });
    expect(session).toMatchObject({ id: SESSION, userId: BOB, role: 'admin', mfaEnabled: true });
    // The accounts' addresses are still unique whatever their case; new members join as usual.
    await expectSqlState(insertUser(restarted, { email: 'ALICE@example.com' }), UNIQUE_VIOLATION);
    const carol = await insertUser(restarted, { email: 'carol@example.com' });
    await expect(queries.userByEmail.execute({ email: 'carol@example.com' })).resolves.toEqual(
      carol,
    );
  }, 120_000);

  it('brings forward a 0.1 database whose migrations stopped half way', async () => {
    const target = await start();
    const { db } = target;
    await target.migrateLegacy(await legacyPrefix(root, 3));
    expect(await legacyHistory(db)).toEqual(legacyMigrations.slice(0, 3).map((m) => m.hash));
    // Before 0004 there were no mailbox-code counters.
    await run(db, [
      `insert into public.users (id, email, password_hash, role, mfa_failed_attempts, created_at, updated_at)
         values ('${ALICE}', 'alice@example.com', 'argon2id$alice', 'admin', 1,
           '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')`,
      `insert into public.security_events (user_id, actor_id, type)
         values ('${ALICE}', '${ALICE}', 'admin.policy_changed')`,
    ]);

    await target.migrateDatabase();

    // The rest of 0.1's migrations ran first, then the bridge.
    expect(await legacyHistory(db)).toEqual(legacyMigrations.map((m) => m.hash));
    expect(await publicTables(db)).toEqual([]);
    expect(await describeSchema(db)).toEqual(fresh);
    const moved = await contents(db);
    expect(moved.members).toEqual([
      expect.objectContaining({
        id: ALICE,
        role: 'admin',
        mfaFailedAttempts: 1,
        codeFailedAttempts: 0,
        codeLockedUntil: null,
      }),
    ]);
    expect(moved.accounts).toEqual([
      expect.objectContaining({ userId: ALICE, passwordHash: 'argon2id$alice' }),
    ]);
    expect(moved.securityEvents).toEqual([
      expect.objectContaining({ userId: ALICE, actorId: ALICE, type: 'admin.policy_changed' }),
    ]);
    expect(moved.history).toEqual(everyMigration);
    await target.close();
  }, 60_000);

  it("never touches a database that is not 0.1's: a host app's own users table and drizzle history", async () => {
    const target = await start();
    const { db } = target;
    await run(db, [
      'create schema drizzle',
      'create table drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)',
      "insert into drizzle.__drizzle_migrations (hash, created_at) values ('the-host-apps-own-migration', 1700000000000)",
      'create table public.users (id serial primary key, name text)',
      "insert into public.users (name) values ('Ada'), ('Grace')",
    ]);
    const hostUsers = 'select id, name from public.users order by id';
    const hostColumns = `select column_name, data_type from information_schema.columns
        where table_schema = 'public' and table_name = 'users' order by ordinal_position`;
    const before = {
      users: await rows(db, hostUsers),
      columns: await rows(db, hostColumns),
      history: await legacyHistory(db),
    };
    expect(before.users).toEqual([
      { id: 1, name: 'Ada' },
      { id: 2, name: 'Grace' },
    ]);

    await target.migrateDatabase();

    expect({
      users: await rows(db, hostUsers),
      columns: await rows(db, hostColumns),
      history: await legacyHistory(db),
    }).toEqual(before);
    expect(await publicTables(db)).toEqual(['users']);
    // Twofold's schema is there beside the app's tables, as on a fresh install, and empty.
    expect(await describeSchema(db)).toEqual(fresh);
    const installed = await contents(db);
    expect(installed.members).toEqual([]);
    expect(installed.history).toEqual(everyMigration);
    await target.close();
  }, 60_000);
});
