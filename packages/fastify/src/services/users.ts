import type { Database } from '@twofold/db';
import type { TwofoldContext } from '../context.js';
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { users, type SignInAccount, type User } from '@twofold/db';
import type { PublicUser } from '@twofold/mfa-core';
import type { Transaction } from '@twofold/db';

/** Emails are compared and stored trimmed and lower-cased. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export function createUsers(context: TwofoldContext) {
  const { db, queries, config } = context;
  return {
    async findById(id: string): Promise<User | undefined> {
      const [user] = await db.select().from(users).where(eq(users.id, id));
      return user;
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
          : sql`case when exists (select 1 from ${users}) then 'user' else 'admin' end`;
      const now = context.now();
      const [user] = await db
        .insert(users)
        .values({
          email: normalized,
          passwordHash,
          role,
          createdAt: now,
          updatedAt: now,
          passwordChangedAt: now,
        })
        .returning();
      return user!;
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
        .update(users)
        .set({ role: 'admin', updatedAt: context.now() })
        .where(and(eq(users.id, user.id), eq(users.role, 'user'), isNotNull(users.emailVerifiedAt)))
        .returning({ id: users.id });
      return granted.length === 1;
    },

    toPublic(
      user: Pick<User, 'id' | 'email' | 'role' | 'emailVerifiedAt'>,
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
