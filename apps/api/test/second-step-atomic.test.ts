import { beforeAll, expect, it } from 'vitest';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { backupCodes, loginChallenges, sessions } from '@twofold/db';
import { signUp, useTestApp } from './helpers/app.js';
import { passwordStep, totpUser } from './helpers/security.js';

/**
 * The second step spends the code, consumes the challenge and creates the session in one
 * transaction: when the session cannot be written, the backup code and the challenge stay
 * unspent, so a failure (or a crash, or a lost database) never costs the user a code.
 */

const ctx = useTestApp();
beforeAll(async () => {
  await signUp(ctx.app, ctx.db); // the first account is an admin; the one under test comes after it
});

it('leaves the backup code and the challenge unspent when the session cannot be created', async () => {
  const user = await totpUser(ctx.app, ctx.db);
  const unused = () =>
    ctx.db.db
      .select({ id: backupCodes.id })
      .from(backupCodes)
      .where(and(eq(backupCodes.userId, user.user.id), isNull(backupCodes.usedAt)));
  const sessionCount = async () =>
    (await ctx.db.db.select().from(sessions).where(eq(sessions.userId, user.user.id))).length;
  const sessionsBefore = await sessionCount();

  // A real failure inside the database: this user's session rows are refused for a while.
  await ctx.db.db.execute(
    sql.raw(`create function refuse_session() returns trigger language plpgsql as $$
      begin raise exception 'sessions are refused for this test'; end $$`),
  );
  await ctx.db.db.execute(
    sql.raw(`create trigger refuse_session before insert on twofold.sessions for each row
      when (new.user_id = '${user.user.id}') execute function refuse_session()`),
  );
  const { client } = await passwordStep(ctx.app, user.email, user.password);
  const code = user.backupCodes[0]!;
  try {
    const failed = await client.post('/api/auth/mfa/verify', { method: 'backup_code', code });
    expect(failed.statusCode).toBe(500);
  } finally {
    await ctx.db.db.execute(sql.raw('drop trigger refuse_session on twofold.sessions'));
    await ctx.db.db.execute(sql.raw('drop function refuse_session()'));
  }

  expect(await unused()).toHaveLength(10);
  expect(await sessionCount()).toBe(sessionsBefore);
  const open = await ctx.db.db
    .select()
    .from(loginChallenges)
    .where(and(eq(loginChallenges.userId, user.user.id), isNull(loginChallenges.consumedAt)));
  expect(open).toHaveLength(1);

  // The same challenge and the same code now finish the sign-in.
  const verified = await client.post('/api/auth/mfa/verify', { method: 'backup_code', code });
  expect(verified.statusCode, verified.body).toBe(200);
  expect(await unused()).toHaveLength(9);
  expect(await sessionCount()).toBe(sessionsBefore + 1);
});
