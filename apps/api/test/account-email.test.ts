import { describe, expect, it, vi } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { emailCodes, securityEvents, members } from '@twofold/db';
import {
  Client,
  GOOD_PASSWORD,
  signUp,
  uniqueEmail,
  openStepUpWindow,
  useTestApp,
} from './helpers/app.js';
import { mailedCode, mailsTo } from './helpers/security.js';

const ctx = useTestApp();

/** A signed-in account inside its step-up window. */
async function steppedUp() {
  const account = await signUp(ctx.app, ctx.db);
  await openStepUpWindow(ctx.db, account.client);
  return account;
}

const requestChange = (client: Client, email: string) =>
  client.post('/api/account/email', { email });
const confirm = (client: Client, code: string) =>
  client.post('/api/account/email/verify', { code });

async function emailOf(userId: string) {
  const [row] = await ctx.db.db.select().from(members).where(eq(members.id, userId));
  return row!.email;
}

async function eventsOf(userId: string, type: string) {
  return ctx.db.db
    .select()
    .from(securityEvents)
    .where(and(eq(securityEvents.userId, userId), eq(securityEvents.type, type)));
}

const CODE_SUBJECT = 'Confirm your new Twofold email address';

describe('POST /api/account/email and /api/account/email/verify', () => {
  it('sends a code to the new address and changes it when the code comes back', async () => {
    const { client, email: oldEmail, user } = await steppedUp();
    const newEmail = uniqueEmail('moved');

    const { code, result: requested } = await mailedCode(ctx.db, newEmail, () =>
      requestChange(client, newEmail.toUpperCase()),
    );
    expect(requested.statusCode).toBe(200);
    const pending = requested.json();
    expect(pending).toMatchObject({ status: 'verification_required', email: newEmail });
    expect(Date.parse(pending.expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(Date.parse(pending.resendAvailableAt)).toBeGreaterThan(Date.now());
    // Nothing changes until the code comes back, and the old address gets no code.
    expect(await emailOf(user.id)).toBe(oldEmail);
    expect((await mailsTo(ctx.db, oldEmail)).map((m) => m.subject)).not.toContain(CODE_SUBJECT);

    const confirmed = await confirm(client, code);
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json()).toEqual({
      status: 'email_changed',
      user: {
        id: user.id,
        email: newEmail,
        role: user.role,
        emailVerified: true,
        mfaEnabled: false,
      },
    });
    expect(await emailOf(user.id)).toBe(newEmail);
    expect((await client.get('/api/auth/session')).json().user.email).toBe(newEmail);

    // The old address is told, with the new one.
    const notices = await mailsTo(ctx.db, oldEmail);
    const notice = notices.find((m) => m.subject.includes('email address of your Twofold account'));
    expect(notice?.text).toContain(newEmail);
    expect(notice?.html).toContain(newEmail);

    // The new address signs in; the old one no longer does.
    const withNew = await new Client(ctx.app).post('/api/auth/login', {
      email: newEmail,
      password: GOOD_PASSWORD,
    });
    expect(withNew.json().status).toBe('authenticated');
    const withOld = await new Client(ctx.app).post('/api/auth/login', {
      email: oldEmail,
      password: GOOD_PASSWORD,
    });
    expect(withOld.statusCode).toBe(401);

    const [requestedEvent] = await eventsOf(user.id, 'email.change_requested');
    expect(requestedEvent?.metadata).toEqual({ to: newEmail });
    const [changedEvent] = await eventsOf(user.id, 'email.changed');
    expect(changedEvent?.metadata).toEqual({ from: oldEmail, to: newEmail });

    // The code is single-use.
    const again = await confirm(client, code);
    expect(again.statusCode).toBe(400);
    expect(again.json().code).toBe('CODE_EXPIRED');
  });

  it('needs the step-up window, and a session', async () => {
    const { client, email, user } = await signUp(ctx.app, ctx.db);
    const newEmail = uniqueEmail('moved');
    const refused = await requestChange(client, newEmail);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('STEP_UP_REQUIRED');
    expect(await mailsTo(ctx.db, newEmail)).toHaveLength(0);

    const anonymous = new Client(ctx.app);
    expect((await requestChange(anonymous, newEmail)).statusCode).toBe(401);
    expect((await confirm(anonymous, '123456')).statusCode).toBe(401);
    expect(await emailOf(user.id)).toBe(email);
  });

  it('refuses the current address and bad input with stable codes, writing nothing', async () => {
    const { client, email, user } = await steppedUp();
    const unchanged = await requestChange(client, email.toUpperCase());
    expect(unchanged.statusCode).toBe(400);
    expect(unchanged.json().code).toBe('EMAIL_UNCHANGED');

    for (const body of [{}, { email: 'not-an-email' }, { email: 42 }, { email, extra: 1 }]) {
      const response = await client.post('/api/account/email', body);
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('VALIDATION_ERROR');
    }
    for (const body of [{}, { code: '' }, { code: 123456 }]) {
      const response = await client.post('/api/account/email/verify', body);
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('VALIDATION_ERROR');
    }
    const codes = await ctx.db.db.select().from(emailCodes).where(eq(emailCodes.userId, user.id));
    expect(codes.filter((c) => c.purpose === 'email_change')).toHaveLength(0);

    const nothingPending = await confirm(client, '123456');
    expect(nothingPending.statusCode).toBe(400);
    expect(nothingPending.json().code).toBe('CODE_EXPIRED');
  });

  it('gives an address of another account the same answer, but no code; its owner is told', async () => {
    const owner = await signUp(ctx.app, ctx.db);
    const { client, email, user } = await steppedUp();
    const free = uniqueEmail('free');

    const mailedBefore = (await mailsTo(ctx.db, owner.email)).length;
    const taken = await requestChange(client, owner.email);
    const open = await requestChange((await steppedUp()).client, free);
    expect(taken.statusCode).toBe(open.statusCode);
    expect(Object.keys(taken.json()).sort()).toEqual(Object.keys(open.json()).sort());
    expect(taken.json()).toMatchObject({ status: 'verification_required', email: owner.email });

    // The owner's only new mail is the notice, and it carries no code.
    const toOwner = (await mailsTo(ctx.db, owner.email)).slice(mailedBefore);
    expect(toOwner.some((m) => /\b\d{6}\b/.test(m.text))).toBe(false);
    expect(toOwner.map((m) => m.subject)).toEqual([
      'Someone tried to move your email to another Twofold account',
    ]);
    expect(await eventsOf(owner.user.id, 'email.change_duplicate')).toHaveLength(1);

    // No code can confirm it: every guess is a wrong code, counted as any other.
    const guess = await confirm(client, '123456');
    expect(guess.statusCode).toBe(400);
    expect(guess.json()).toMatchObject({ code: 'INVALID_CODE', attemptsLeft: 4 });
    expect(await emailOf(user.id)).toBe(email);
    expect(await emailOf(owner.user.id)).toBe(owner.email);
  });

  it('counts wrong codes: five, and the code is void', async () => {
    const { client, email, user } = await steppedUp();
    const newEmail = uniqueEmail('moved');
    const { code } = await mailedCode(ctx.db, newEmail, () => requestChange(client, newEmail));
    const wrong = code === '000000' ? '111111' : '000000';

    for (let left = 4; left >= 1; left--) {
      const response = await confirm(client, wrong);
      expect(response.json()).toMatchObject({ code: 'INVALID_CODE', attemptsLeft: left });
    }
    const fifth = await confirm(client, wrong);
    expect(fifth.statusCode).toBe(429);
    expect(fifth.json().code).toBe('TOO_MANY_ATTEMPTS');
    // The 5th wrong code in a row also starts the account's backoff (1 s): wait it out.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 1_001);
    const late = await confirm(client, code);
    expect(late.json().code).toBe('CODE_EXPIRED');
    expect(await emailOf(user.id)).toBe(email);
    expect(await eventsOf(user.id, 'email.change_failed')).toHaveLength(6);
  });

  it('waits 60 seconds between codes, and a new request voids the previous code', async () => {
    const { client, user } = await steppedUp();
    const first = uniqueEmail('first');
    const second = uniqueEmail('second');
    const { code: firstCode } = await mailedCode(ctx.db, first, () => requestChange(client, first));

    const tooSoon = await requestChange(client, second);
    expect(tooSoon.statusCode).toBe(429);
    expect(tooSoon.json().code).toBe('RESEND_TOO_SOON');
    expect(tooSoon.json().retryAfter).toBeGreaterThan(0);

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);
    await openStepUpWindow(ctx.db, client);
    const { code: secondCode } = await mailedCode(ctx.db, second, () =>
      requestChange(client, second),
    );
    if (firstCode !== secondCode) {
      expect((await confirm(client, firstCode)).json().code).toBe('INVALID_CODE');
    }
    expect((await confirm(client, secondCode)).statusCode).toBe(200);
    expect(await emailOf(user.id)).toBe(second);
  });

  it('voids the codes already sent to the old address, such as a password reset', async () => {
    const { client, email, user } = await steppedUp();
    const { code: resetCode } = await mailedCode(ctx.db, email, () =>
      new Client(ctx.app).post('/api/auth/password/forgot', { email }),
    );
    const newEmail = uniqueEmail('moved');
    const { code } = await mailedCode(ctx.db, newEmail, () => requestChange(client, newEmail));
    expect((await confirm(client, code)).statusCode).toBe(200);

    const live = await ctx.db.db.select().from(emailCodes).where(eq(emailCodes.userId, user.id));
    expect(live.filter((c) => c.usedAt === null)).toEqual([]);
    const reset = await new Client(ctx.app).post('/api/auth/password/reset', {
      email: newEmail,
      code: resetCode,
      password: 'another long passphrase here',
    });
    expect(reset.statusCode).toBe(400);
    expect(reset.json().code).toBe('INVALID_CODE');
  });

  it('answers EMAIL_TAKEN when another account took the address before the code came back', async () => {
    const { client, email, user } = await steppedUp();
    const contested = uniqueEmail('contested');
    const { code } = await mailedCode(ctx.db, contested, () => requestChange(client, contested));
    const rival = await new Client(ctx.app).post('/api/auth/register', {
      email: contested,
      password: GOOD_PASSWORD,
    });
    expect(rival.statusCode).toBe(201);

    const response = await confirm(client, code);
    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe('EMAIL_TAKEN');
    expect(await emailOf(user.id)).toBe(email);
    // That code can never work now.
    expect((await confirm(client, code)).json().code).toBe('CODE_EXPIRED');
  });
});
