import type { FastifyInstance } from 'fastify';
import { eq, sql } from 'drizzle-orm';
import { users, type SignInAccount, type User } from '@twofold/db';
import type { PublicUser } from '@twofold/mfa-core';

/** Emails are compared and stored trimmed and lower-cased. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export function createUsers(app: FastifyInstance) {
  const { db, queries, config } = app;
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

    /** The first account, and any address in ADMIN_EMAILS, is an admin. */
    async create(email: string, passwordHash: string): Promise<User> {
      const normalized = normalizeEmail(email);
      const role = config.adminEmails.includes(normalized)
        ? sql`'admin'`
        : sql`case when exists (select 1 from ${users}) then 'user' else 'admin' end`;
      const now = app.now();
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
