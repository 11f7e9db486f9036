import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { asc, eq, sql } from 'drizzle-orm';
import { accounts, createDbClient, members, securityEvents, type DbClient } from '@twofold/db';
import { ConfigError, type Config } from '@twofold/fastify';
import { loadConfig } from '../config.js';
import { normalizeEmail } from '@twofold/fastify/internal';

/**
 * The operator's way to make or unmake an admin, with the server's own configuration and
 * database:
 *
 *   pnpm --filter @twofold/api admin grant EMAIL     (in the image: node dist/cli/admin.js grant EMAIL)
 *   pnpm --filter @twofold/api admin revoke EMAIL
 *   pnpm --filter @twofold/api admin list
 *
 * In production this and ADMIN_EMAILS are the only ways to an admin account. Each change is a
 * security event on the account's timeline (`role.granted`/`role.revoked`, no actor: the
 * operator is not an account).
 */

const USAGE = `usage: admin grant EMAIL | admin revoke EMAIL | admin list`;

export interface AdminCliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface AdminCliDeps {
  config?: Config;
  /** A database client owned by the caller (tests); otherwise the server's database is opened. */
  db?: DbClient;
  io?: AdminCliIo;
}

/** Runs one command; answers the process exit code. */
export async function main(argv: string[], deps: AdminCliDeps = {}): Promise<number> {
  const io = deps.io ?? {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => console.error(line),
  };
  const [command, address, ...extra] = argv;
  const needsAddress = command === 'grant' || command === 'revoke';
  if (
    !(needsAddress || command === 'list') ||
    (needsAddress && !address) ||
    extra.length > 0 ||
    (command === 'list' && address)
  ) {
    io.err(USAGE);
    return 2;
  }

  let config: Config;
  try {
    config = deps.config ?? loadConfig(process.env, { log: io.err });
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(`admin: ${error.message}`);
      return 1;
    }
    throw error;
  }
  const client =
    deps.db ??
    (await createDbClient({
      url: config.databaseUrl,
      // The embedded database is the server's own files: stop the server first.
      dataDir: config.databaseUrl ? undefined : path.join(config.dataDir, 'pglite'),
      maxConnections: 1,
    }));
  try {
    if (command === 'list') return await list(client, io);
    return await setRole(client, io, command === 'grant' ? 'admin' : 'user', address!);
  } finally {
    if (!deps.db) await client.close();
  }
}

async function list(client: DbClient, io: AdminCliIo): Promise<number> {
  const admins = await client.db
    .select({ email: members.email, verifiedAt: members.emailVerifiedAt })
    .from(members)
    .where(eq(members.role, 'admin'))
    .orderBy(asc(members.email));
  if (admins.length === 0) io.out('no admins');
  for (const admin of admins) {
    io.out(`${admin.email}${admin.verifiedAt ? '' : ' (address not verified)'}`);
  }
  return 0;
}

async function setRole(
  client: DbClient,
  io: AdminCliIo,
  role: 'admin' | 'user',
  address: string,
): Promise<number> {
  const email = normalizeEmail(address);
  // The product's accounts: the sign-in address is unique there.
  const [user] = await client.db
    .select({ id: members.id, role: members.role, emailVerifiedAt: members.emailVerifiedAt })
    .from(accounts)
    .innerJoin(members, eq(members.id, accounts.userId))
    .where(sql`lower(${accounts.email}) = ${email}`);
  if (!user) {
    io.err(`admin: no account has the address ${email}`);
    return 1;
  }
  if (role === 'admin' && !user.emailVerifiedAt) {
    io.err(
      `admin: ${email} has not verified its address yet; an admin must have proved it holds it (ask them to finish signing up, then run this again)`,
    );
    return 1;
  }
  if (user.role === role) {
    io.out(role === 'admin' ? `${email} is already an admin` : `${email} is not an admin`);
    return 0;
  }
  await client.db.transaction(async (tx) => {
    await tx.update(members).set({ role, updatedAt: new Date() }).where(eq(members.id, user.id));
    await tx.insert(securityEvents).values({
      type: role === 'admin' ? 'role.granted' : 'role.revoked',
      userId: user.id,
      actorId: null,
      metadata: { role: 'admin', via: 'cli' },
    });
  });
  io.out(role === 'admin' ? `${email} is now an admin` : `${email} is no longer an admin`);
  return 0;
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
