import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import {
  buildTestApp,
  Client,
  latestCode,
  latestMail,
  signUp,
  testConfig,
  uniqueEmail,
  useTestApp,
} from './helpers/app.js';
import { contextOf } from '@twofold/fastify/internal';

const ctx = useTestApp();

const NEW_PASSWORD = 'a brand new passphrase';

describe('password reset', () => {
  it('answers the same for known and unknown addresses, and mails only the known one', async () => {
    const { email } = await signUp(ctx.app, ctx.db);
    const unknownEmail = uniqueEmail('nobody');
    const known = await new Client(ctx.app).post('/api/auth/password/forgot', { email });
    const unknown = await new Client(ctx.app).post('/api/auth/password/forgot', {
      email: unknownEmail,
    });
    expect(known.statusCode).toBe(200);
    expect(unknown.statusCode).toBe(200);
    expect(known.json()).toEqual(unknown.json());
    expect(await latestMail(ctx.db, unknownEmail)).toBeUndefined();
    const mail = await latestMail(ctx.db, email);
    expect(mail?.subject).toMatch(/reset/i);
    // The link carries email and code in the fragment, which no server sees or logs.
    expect(mail?.text).toContain('/reset-password#email=');
    expect(mail?.text).not.toMatch(/\?[^\s]*code=/);
    // Asking again within a minute sends nothing new, but still answers the same.
    const again = await new Client(ctx.app).post('/api/auth/password/forgot', { email });
    expect(again.json()).toEqual(known.json());
    expect((await latestMail(ctx.db, email))?.id).toBe(mail?.id);
  });

  it('sets the new password with the code, ends every session, and the code works once', async () => {
    const { client, email, password } = await signUp(ctx.app, ctx.db);
    const other = new Client(ctx.app);
    await other.post('/api/auth/login', { email, password });
    expect((await other.get('/api/auth/session')).statusCode).toBe(200);

    await new Client(ctx.app).post('/api/auth/password/forgot', { email });
    const code = await latestCode(ctx.db, email);
    const reset = await new Client(ctx.app).post('/api/auth/password/reset', {
      email,
      code,
      password: NEW_PASSWORD,
    });
    expect(reset.statusCode).toBe(200);
    expect(reset.json()).toEqual({ status: 'password_reset' });
    // A reset never signs in by itself.
    expect(reset.headers['set-cookie']).toBeUndefined();

    expect((await client.get('/api/auth/session')).statusCode).toBe(401);
    expect((await other.get('/api/auth/session')).statusCode).toBe(401);
    expect(
      (await new Client(ctx.app).post('/api/auth/login', { email, password })).statusCode,
    ).toBe(401);
    expect(
      (await new Client(ctx.app).post('/api/auth/login', { email, password: NEW_PASSWORD }))
        .statusCode,
    ).toBe(200);

    const replay = await new Client(ctx.app).post('/api/auth/password/reset', {
      email,
      code,
      password: 'yet another passphrase',
    });
    expect(replay.statusCode).toBe(400);
    expect(replay.json().code).toBe('INVALID_CODE');
    const notice = await latestMail(ctx.db, email);
    expect(notice?.subject).toMatch(/password was changed/);
    expect(notice?.text).toContain('every signed-in session was ended');
  });

  it('answers a wrong code, an unknown address and an exhausted code the same way', async () => {
    const { email } = await signUp(ctx.app, ctx.db);
    await new Client(ctx.app).post('/api/auth/password/forgot', { email });
    const code = await latestCode(ctx.db, email);
    const wrong = code === '000000' ? '999999' : '000000';
    const answers = [];
    for (let i = 0; i < 5; i++) {
      answers.push(
        await new Client(ctx.app).post('/api/auth/password/reset', {
          email,
          code: wrong,
          password: NEW_PASSWORD,
        }),
      );
    }
    const unknown = await new Client(ctx.app).post('/api/auth/password/reset', {
      email: uniqueEmail('nobody'),
      code,
      password: NEW_PASSWORD,
    });
    for (const answer of [...answers, unknown]) {
      expect(answer.statusCode).toBe(400);
      expect(answer.json()).toEqual(unknown.json());
    }
    // After 5 wrong tries the right code is void too.
    const late = await new Client(ctx.app).post('/api/auth/password/reset', {
      email,
      code,
      password: NEW_PASSWORD,
    });
    expect(late.json().code).toBe('INVALID_CODE');
  });

  it('refuses a registration code for a reset (codes are bound to their purpose)', async () => {
    const email = uniqueEmail('purpose');
    await new Client(ctx.app).post('/api/auth/register', {
      email,
      password: 'first passphrase here',
    });
    const registrationCode = await latestCode(ctx.db, email);
    await new Client(ctx.app).post('/api/auth/password/forgot', { email });
    const response = await new Client(ctx.app).post('/api/auth/password/reset', {
      email,
      code: registrationCode,
      password: NEW_PASSWORD,
    });
    expect(response.json().code).toBe('INVALID_CODE');
  });

  it('rejects a weak new password before looking at the code', async () => {
    const response = await new Client(ctx.app).post('/api/auth/password/reset', {
      email: 'someone@example.com',
      code: '123456',
      password: 'aaaaaaaaaa',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('WEAK_PASSWORD');
  });
});

describe('forgot-password answers before it looks the address up', () => {
  it('answers while the mail is still being sent; the work is tracked, and closing waits for it', async () => {
    const { email } = await signUp(ctx.app, ctx.db);
    const app = await buildTestApp(ctx.db);
    const send = contextOf(app).mailer.send.bind(contextOf(app).mailer);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];
    contextOf(app).mailer.send = async (message) => {
      order.push('mail started');
      await held;
      await send(message);
      order.push('mail sent');
    };

    // app.inject, not Client: Client waits for background work after each request.
    const answer = await app.inject({
      method: 'POST',
      url: '/api/auth/password/forgot',
      payload: { email },
    });
    order.push('answered');
    expect(answer.statusCode).toBe(200);
    const closed = app.close().then(() => order.push('closed'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    await closed;
    expect(order).toEqual(['answered', 'mail started', 'mail sent', 'closed']);
    expect((await latestMail(ctx.db, email))?.subject).toMatch(/reset/i);
  });

  it('logs a failure of the work, never the code', async () => {
    const { email } = await signUp(ctx.app, ctx.db);
    const lines: string[] = [];
    const app = await buildApp({
      config: testConfig(),
      db: ctx.db,
      logger: { level: 'info', stream: { write: (line: string) => void lines.push(line) } },
    });
    const codes: string[] = [];
    contextOf(app).mailer.send = async (message) => {
      codes.push(message.text.match(/\b(\d{6})\b/)![1]!);
      throw new Error('SMTP exploded');
    };
    try {
      const answer = await app.inject({
        method: 'POST',
        url: '/api/auth/password/forgot',
        payload: { email },
      });
      expect(answer.statusCode).toBe(200);
      await contextOf(app).background.idle();
      expect(codes).toHaveLength(1);
      const log = lines.join('\n');
      expect(log).toContain('background task failed');
      expect(log).toContain('SMTP exploded');
      expect(log).not.toContain(codes[0]);
    } finally {
      await app.close();
    }
  });
});
