import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Database, Transaction } from '../src/client.js';
import type { User } from '../src/queries.js';
import { accounts, members, type NewMember } from '../src/schema/index.js';

/** A member with a built-in account (id a random UUID, as the product makes them). */
export async function insertUser(
  db: Database | Transaction,
  values: Partial<NewMember> & { passwordHash?: string; passwordChangedAt?: Date } = {},
): Promise<User> {
  const { passwordHash = 'argon2id$test', passwordChangedAt, ...memberValues } = values;
  const [member] = await db
    .insert(members)
    .values({ id: randomUUID(), email: `${randomUUID()}@example.com`, ...memberValues })
    .returning();
  if (!member) throw new Error('insert returned no row');
  const [account] = await db
    .insert(accounts)
    .values({
      userId: member.id,
      email: member.email,
      passwordHash,
      ...(passwordChangedAt && { passwordChangedAt }),
    })
    .returning();
  return { ...member, passwordHash, passwordChangedAt: account!.passwordChangedAt };
}

/** The SQLSTATE of a driver error, looked up through Drizzle's wrapping `cause` chain. */
function sqlState(error: unknown): string | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

export const UNIQUE_VIOLATION = '23505';
export const CHECK_VIOLATION = '23514';
export const FOREIGN_KEY_VIOLATION = '23503';

export async function expectSqlState(promise: PromiseLike<unknown>, code: string): Promise<void> {
  const error = await Promise.resolve(promise).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error, `expected SQLSTATE ${code}`).toBeInstanceOf(Error);
  expect(sqlState(error)).toBe(code);
}

export function minutesFromNow(minutes: number): Date {
  return new Date(Date.now() + minutes * 60_000);
}
