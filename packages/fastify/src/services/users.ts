import type { Database } from '@twofold/db';
import type { TwofoldContext } from '../context.js';
import { randomUUID } from 'node:crypto';
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import {
  accounts,
  members,
  userColumns,
  type Member,
  type SignInAccount,
  type User,
} from '@twofold/db';
import type { PublicUser } from '@twofold/mfa-core';
import type { TwofoldUser } from '../public-types.js';
import { verifyPassword } from './passwords.js';
import type { Transaction } from '@twofold/db';

/** Emails are compared and stored trimmed and lower-cased. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/**
 * What `options.users.findById` answered, checked: a wrong shape is the app's bug, reported as
 * such (a plain Error, so a 500 in the app's log) rather than stored.
 */
function checkAppUser(found: TwofoldUser, askedFor: string): TwofoldUser {
  const fail = (problem: string) => {
    throw new Error(`twofold: options.users.findById: ${problem}`);
  };
  if (typeof found.id !== 'string' || found.id.length < 1 || found.id.length > 255) {
    fail('id must be a string of 1 to 255 characters');
  }
  if (found.id !== askedFor) {
    fail(`answered id ${JSON.stringify(found.id)} for ${JSON.stringify(askedFor)}`);
  }
  if (typeof found.email !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(found.email.trim())) {
    fail('email must be an email address');
  }
  if (found.role !== undefined && found.role !== 'user' && found.role !== 'admin') {
    fail("role must be 'user' or 'admin'");
  }
  return found;
}

export function createUsers(context: TwofoldContext) {
  const { db, queries, config } = context;
  return {
    /** A member with a built-in account (its password included). */
    async findById(id: string): Promise<User | undefined> {
      const [user] = await db
        .select(userColumns)
        .from(accounts)
        .innerJoin(members, eq(members.id, accounts.userId))
        .where(eq(accounts.userId, id));
      return user;
    },

    /**
     * Whether `password` is the user's: the app's own check when it has accounts of its own,
     * else the built-in account's hash (a missing account costs the same time as a wrong one).
     */
    async verifyPassword(id: string, password: string): Promise<boolean> {
      if (context.appUsers) return (await context.appUsers.verifyPassword(id, password)) === true;
      const user = await this.findById(id);
      return verifyPassword(user?.passwordHash, password);
    },

    /**
     * Writes the member row of one of the app's users from what `options.users.findById`
     * answers now (address and role follow the app at every sign-in), only when something
     * changed. False when the app knows no such user. The caller reads the row afterwards with
     * what a sign-in needs next.
     */
    async syncFromApp(id: string): Promise<boolean> {
      if (!context.appUsers) throw new Error('twofold: syncFromApp needs options.users');
      const found = await context.appUsers.findById(id);
      if (!found) return false;
      const user = checkAppUser(found, id);
      const now = context.now();
      const email = normalizeEmail(user.email);
      await db
        .insert(members)
        .values({
          id: user.id,
          email,
          role: user.role ?? 'user',
          // The app vouches for its users' addresses.
          emailVerifiedAt: now,
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoUpdate({
          target: members.id,
          set: {
            email,
            ...(user.role && { role: user.role }),
            emailVerifiedAt: sql`coalesce(${members.emailVerifiedAt}, ${now.toISOString()}::timestamptz)`,
            updatedAt: now,
          },
          setWhere: sql`${members.email} is distinct from ${email} or ${members.emailVerifiedAt} is null${
            user.role ? sql` or ${members.role} is distinct from ${user.role}` : sql``
          }`,
        });
      return true;
    },

    /** Whom Twofold knows by this id, with or without a built-in account. */
    async findMember(id: string): Promise<Member | undefined> {
      const [member] = await db.select().from(members).where(eq(members.id, id));
      return member;
    },

    async findByEmail(email: string): Promise<User | undefined> {
      return queries.userByEmail.execute({ email: normalizeEmail(email) });
    },

    /** `findByEmail` with what a password sign-in needs next: factors, backup codes, policy. */
    async findForSignIn(email: string): Promise<SignInAccount | undefined> {
      return queries.signInAccount.execute({ email: normalizeEmail(email) });
    },

    /**
     * Every account starts as a user, but in development the first account ever is an admin (a
     * convenience). In production whoever reached a fresh deployment first would own it, so
     * there an account becomes admin only through ADMIN_EMAILS once its address is verified
     * (`grantListedAdmin`), or through the operator's `admin grant` command.
     */
    async create(email: string, passwordHash: string): Promise<User> {
      const normalized = normalizeEmail(email);
      const role =
        config.env === 'production'
          ? 'user'
          : sql`case when exists (select 1 from ${members}) then 'user' else 'admin' end`;
      const now = context.now();
      const id = randomUUID();
      return db.transaction(async (tx) => {
        // One transaction: the account's unique index on the address refuses a taken one, and
        // the member row goes back with it.
        const [member] = await tx
          .insert(members)
          .values({ id, email: normalized, role, createdAt: now, updatedAt: now })
          .returning();
        await tx.insert(accounts).values({
          userId: id,
          email: normalized,
          passwordHash,
          passwordChangedAt: now,
          createdAt: now,
        });
        return { ...member!, passwordHash, passwordChangedAt: now };
      });
    },

    /**
     * Makes the account an admin when its address is in ADMIN_EMAILS and verified (a sign-up's
     * verification, a password reset, a sign-in): a listed address nobody has proved to hold
     * grants nothing. Answers whether the role changed; the caller records `role.granted`.
     */
    async grantListedAdmin(
      user: Pick<User, 'id' | 'email' | 'role'>,
      tx: Transaction | Database = db,
    ): Promise<boolean> {
      if (user.role !== 'user' || !config.adminEmails.includes(normalizeEmail(user.email))) {
        return false;
      }
      const granted = await tx
        .update(members)
        .set({ role: 'admin', updatedAt: context.now() })
        .where(
          and(
            eq(members.id, user.id),
            eq(members.role, 'user'),
            isNotNull(members.emailVerifiedAt),
          ),
        )
        .returning({ id: members.id });
      return granted.length === 1;
    },

    toPublic(
      user: Pick<Member, 'id' | 'email' | 'role' | 'emailVerifiedAt'>,
      mfaEnabled: boolean,
    ): PublicUser {
      return {
        id: user.id,
        email: user.email,
        role: user.role === 'admin' ? 'admin' : 'user',
        emailVerified: user.emailVerifiedAt !== null,
        mfaEnabled,
      };
    },
  };
}
