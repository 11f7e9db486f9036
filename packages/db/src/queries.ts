import { and, eq, getTableColumns, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Database } from './client.js';
import { backupCodes } from './schema/backup-codes.js';
import { loginChallenges, type LoginChallenge } from './schema/login-challenges.js';
import { mfaFactors } from './schema/mfa-factors.js';
import { mfaPolicy } from './schema/mfa-policy.js';
import { sessions } from './schema/sessions.js';
import { accounts } from './schema/accounts.js';
import { members, type Member } from './schema/members.js';

/** A boolean column or expression: postgres.js answers `true`, PGlite's text mode `'t'`. */
export function asBoolean(value: unknown): boolean {
  return value === true || value === 't';
}

/** postgres.js answers `db.execute` with the rows, PGlite with `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/**
 * `mfa_factors.status = 'active'` as a literal, not a parameter: the partial unique index on
 * active factors only matches a literal, and a parameter there makes PostgreSQL plan the
 * prepared statement again on every execution (a generic plan could not use that index).
 */
export function isActiveFactor(): SQL {
  return sql`${mfaFactors.status} = 'active'`;
}

/** A statement prepared once and executed with named parameters. */
export interface PreparedQuery<TParams, TResult> {
  execute(params: TParams): Promise<TResult>;
}

/** A member with a built-in account: the member row and the account's password. */
export type User = Member & { passwordHash: string; passwordChangedAt: Date };

/** The columns of `User`, selected from `accounts` joined to `members`. */
export const userColumns = {
  ...getTableColumns(members),
  passwordHash: accounts.passwordHash,
  passwordChangedAt: accounts.passwordChangedAt,
};

/** A built-in account by its sign-in address (case-insensitive, the accounts' unique index). */
const byAccountEmail = sql`lower(${accounts.email}) = lower(${sql.placeholder('email')}::text)`;

function prepareUserByEmail(db: Database) {
  return db
    .select(userColumns)
    .from(accounts)
    .innerJoin(members, eq(members.id, accounts.userId))
    .where(byAccountEmail)
    .limit(1)
    .prepare('twofold_user_by_email');
}

/** The MFA policy of a user's role, from a left join: all null when the role has none. */
const rolePolicy = {
  required: mfaPolicy.required,
  graceDays: mfaPolicy.graceDays,
  requiredSince: mfaPolicy.requiredSince,
};

/** What a sign-in reads besides the user: active factor types, backup codes left, the policy. */
const signInExtras = {
  /** Types of the active factors, comma-separated and sorted ('' when none). */
  factorTypes: sql<string>`coalesce((
    select string_agg(${mfaFactors.type}, ',' order by ${mfaFactors.type}) from ${mfaFactors}
    where ${and(eq(mfaFactors.userId, members.id), isActiveFactor())}
  ), '')`,
  backupCodesLeft: sql<number>`(
    select count(*) from ${backupCodes}
    where ${and(eq(backupCodes.userId, members.id), isNull(backupCodes.usedAt))}
  )::int`.mapWith(Number),
  policy: rolePolicy,
};

function prepareSignInAccount(db: Database) {
  return db
    .select({ user: userColumns, ...signInExtras })
    .from(accounts)
    .innerJoin(members, eq(members.id, accounts.userId))
    .leftJoin(mfaPolicy, eq(mfaPolicy.role, members.role))
    .where(byAccountEmail)
    .limit(1)
    .prepare('twofold_sign_in_account');
}

function prepareSignInMember(db: Database) {
  return db
    .select({ user: members, ...signInExtras })
    .from(members)
    .leftJoin(mfaPolicy, eq(mfaPolicy.role, members.role))
    .where(eq(members.id, sql.placeholder('id')))
    .limit(1)
    .prepare('twofold_sign_in_member');
}

function prepareSessionByTokenHash(db: Database) {
  return db
    .select({
      id: sessions.id,
      userId: sessions.userId,
      aal: sessions.aal,
      amr: sessions.amr,
      scope: sessions.scope,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      expiresAt: sessions.expiresAt,
      reauthenticatedAt: sessions.reauthenticatedAt,
      revokedAt: sessions.revokedAt,
      email: members.email,
      role: members.role,
      emailVerifiedAt: members.emailVerifiedAt,
      userCreatedAt: members.createdAt,
      mfaEnabled: sql<boolean>`exists (
        select 1 from ${mfaFactors}
        where ${and(eq(mfaFactors.userId, sessions.userId), isActiveFactor())}
      )`.mapWith(asBoolean),
      /** The MFA policy of the user's role; null when the role has none. */
      policy: rolePolicy,
    })
    .from(sessions)
    .innerJoin(members, eq(members.id, sessions.userId))
    .leftJoin(mfaPolicy, eq(mfaPolicy.role, members.role))
    .where(eq(sessions.tokenHash, sql.placeholder('tokenHash')))
    .limit(1)
    .prepare('twofold_session_by_token_hash');
}

function prepareOpenChallenge(db: Database) {
  return db
    .select({ challenge: loginChallenges, user: members })
    .from(loginChallenges)
    .innerJoin(members, eq(members.id, loginChallenges.userId))
    .where(
      and(
        eq(loginChallenges.tokenHash, sql.placeholder('tokenHash')),
        inArray(loginChallenges.purpose, [sql.placeholder('purpose'), sql.placeholder('or')]),
        isNull(loginChallenges.consumedAt),
        sql`${loginChallenges.expiresAt} > ${sql.placeholder('now')}::timestamptz`,
      ),
    )
    .limit(1)
    .prepare('twofold_open_challenge');
}

function prepareTouchSession(db: Database) {
  return db
    .update(sessions)
    .set({ lastSeenAt: sql`${sql.placeholder('now')}::timestamptz` })
    .where(eq(sessions.id, sql.placeholder('id')))
    .prepare('twofold_touch_session');
}

/**
 * A session with the fields of its user that every authenticated request needs.
 * Expiry and revocation are left to the caller, which owns the timeouts.
 */
export type SessionWithUser = Awaited<
  ReturnType<ReturnType<typeof prepareSessionByTokenHash>['execute']>
>[number];

/** What a sign-in needs to know about a member, read in one round trip. */
export interface SignInState<U extends Member = Member> {
  user: U;
  /** Types of the user's active factors, sorted. */
  factorTypes: string[];
  /** Unused backup codes. */
  backupCodesLeft: number;
  /** The MFA policy of the user's role; null when the role has none. */
  policy: SessionWithUser['policy'];
}

/** `SignInState` of a built-in account, its password included. */
export type SignInAccount = SignInState<User>;

export interface Queries {
  /** Case-insensitive: served by the unique index on lower(email). */
  userByEmail: PreparedQuery<{ email: string }, User | undefined>;
  /** The account by email (as `userByEmail`) with its active factor types, backup codes left and policy. */
  signInAccount: PreparedQuery<{ email: string }, SignInAccount | undefined>;
  /** A member by id, with the same: the sign-in of an app with accounts of its own. */
  signInMember: PreparedQuery<{ id: string }, SignInState | undefined>;
  /**
   * One round trip: the session, its user, whether that user has an active factor, and the MFA
   * policy of the user's role.
   */
  sessionByTokenHash: PreparedQuery<{ tokenHash: string }, SessionWithUser | undefined>;
  touchSession: PreparedQuery<{ id: string; now: Date }, void>;
  /** An unconsumed, unexpired challenge of one of `purposes` with its user, by token hash. */
  openChallenge: PreparedQuery<
    { tokenHash: string; purposes: readonly [string] | readonly [string, string]; now: Date },
    { challenge: LoginChallenge; user: Member } | undefined
  >;
}

/** The statements run on (nearly) every request, prepared once per database. */
export function createQueries(db: Database): Queries {
  const userByEmail = prepareUserByEmail(db);
  const signInAccount = prepareSignInAccount(db);
  const signInMember = prepareSignInMember(db);
  const withFactorList = <T extends { factorTypes: string }>(row: T | undefined) =>
    row && { ...row, factorTypes: row.factorTypes ? row.factorTypes.split(',') : [] };
  const sessionByTokenHash = prepareSessionByTokenHash(db);
  const touchSession = prepareTouchSession(db);
  const openChallenge = prepareOpenChallenge(db);
  return {
    userByEmail: {
      execute: async ({ email }) => (await userByEmail.execute({ email }))[0],
    },
    signInAccount: {
      execute: async ({ email }) => withFactorList((await signInAccount.execute({ email }))[0]),
    },
    signInMember: {
      execute: async ({ id }) => withFactorList((await signInMember.execute({ id }))[0]),
    },
    sessionByTokenHash: {
      execute: async ({ tokenHash }) => (await sessionByTokenHash.execute({ tokenHash }))[0],
    },
    openChallenge: {
      execute: async ({ tokenHash, purposes, now }) => {
        const [purpose, or = purpose] = purposes;
        const [row] = await openChallenge.execute({
          tokenHash,
          purpose,
          or,
          now: now.toISOString(),
        });
        return row;
      },
    },
    touchSession: {
      // Placeholders bypass column encoders, so the timestamp is sent as ISO text.
      execute: async ({ id, now }) => {
        await touchSession.execute({ id, now: now.toISOString() });
      },
    },
  };
}
