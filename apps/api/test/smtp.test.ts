import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { createTestDbClient } from '@twofold/db/testing';
import {
  devOutbox,
  emailCodes,
  loginChallenges,
  sessions,
  members,
  type DbClient,
} from '@twofold/db';
import { buildApp, type App } from '../src/app.js';
import { buildTestApp, Client, GOOD_PASSWORD, testConfig, uniqueEmail } from './helpers/app.js';
import { contextOf } from '@twofold/fastify/internal';

/**
 * Real mail over SMTP: nodemailer (the app's SMTP mailer) talks to an in-process smtp-server,
 * and every message is read back the way a mail client would, with mailparser.
 */

interface Delivery {
  from: string | undefined;
  to: string[];
  raw: string;
}

/** How the test server answers; switched per test. */
type Mode = 'accept' | 'refuse-recipient' | 'refuse-data';

class MailSink {
  readonly deliveries: Delivery[] = [];
  /** Messages the server received in full and then refused ('refuse-data'). */
  readonly refused: Delivery[] = [];
  mode: Mode = 'accept';
  private readonly server: SMTPServer;
  port = 0;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (_address: SMTPServerAddress, _session, callback) => {
        if (this.mode !== 'refuse-recipient') return callback();
        callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const from = session.envelope.mailFrom;
          const delivery = {
            from: from ? from.address : undefined,
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          };
          if (this.mode === 'refuse-data') {
            this.refused.push(delivery);
            callback(
              Object.assign(new Error('Service not available, try again later'), {
                responseCode: 421,
              }),
            );
            return;
          }
          this.deliveries.push(delivery);
          callback();
        });
      },
    });
  }

  async listen() {
    this.server.listen(0, '127.0.0.1');
    await once(this.server.server, 'listening');
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  close() {
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get url() {
    return `smtp://127.0.0.1:${this.port}`;
  }

  to(address: string) {
    return this.deliveries.filter((delivery) => delivery.to.includes(address));
  }

  async parsedTo(address: string): Promise<(ParsedMail & { raw: string })[]> {
    return Promise.all(
      this.to(address).map(async ({ raw }) => Object.assign(await simpleParser(raw), { raw })),
    );
  }
}

/** A port on 127.0.0.1 that nothing listens on (taken from the OS, then released). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const addresses = (field: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(field) ? field : field ? [field] : []).flatMap((group) =>
    group.value.map((entry) => entry.address),
  );

const sixDigitCode = (mail: ParsedMail) => mail.text?.match(/\b(\d{6})\b/)?.[1];

/** Every part a person or a client could read: headers, text and HTML as sent on the wire. */
const everything = (mail: ParsedMail & { raw: string }) =>
  [mail.raw, mail.subject ?? '', mail.text ?? '', String(mail.html)].join('\n');

let db: DbClient;
let sink: MailSink;
let app: App;

beforeAll(async () => {
  db = await createTestDbClient();
  sink = new MailSink();
  await sink.listen();
  app = await buildTestApp(db, { env: { SMTP_URL: sink.url } });
});

afterAll(async () => {
  await app?.close();
  await sink?.close();
  await db?.close();
});

beforeEach(() => {
  sink.mode = 'accept';
});

const userRow = async (email: string) =>
  (await db.db.select().from(members).where(eq(members.email, email)))[0];

describe('mail over SMTP', () => {
  it('uses the SMTP mailer, not the dev outbox', () => {
    expect(contextOf(app).mailer.kind).toBe('smtp');
  });

  it('delivers one registration message with a subject, text and HTML, whose code signs the account in', async () => {
    const email = uniqueEmail('smtp');
    const client = new Client(app);
    const registered = await client.post('/api/auth/register', { email, password: GOOD_PASSWORD });
    expect(registered.statusCode).toBe(201);
    expect(registered.json().status).toBe('verification_required');

    const [mail, ...more] = await sink.parsedTo(email);
    expect(more).toHaveLength(0);
    expect(mail).toBeDefined();
    expect(sink.to(email)[0]?.to).toEqual([email]);
    expect(sink.to(email)[0]?.from).toBe('no-reply@twofold.localhost');
    expect(addresses(mail!.to)).toEqual([email]);
    expect(mail!.from?.value[0]?.address).toBe('no-reply@twofold.localhost');
    expect(mail!.subject).toMatch(/\S/);
    expect(mail!.text).toMatch(/\S/);
    expect(typeof mail!.html).toBe('string');

    const code = sixDigitCode(mail!);
    expect(code).toMatch(/^\d{6}$/);
    // The HTML part shows the same code as the text part.
    expect(String(mail!.html)).toContain(code);
    expect(everything(mail!)).not.toContain(GOOD_PASSWORD);

    const verified = await client.post('/api/auth/register/verify', { code });
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toMatchObject({
      status: 'authenticated',
      user: { email, emailVerified: true },
    });

    const session = await client.get('/api/auth/session');
    expect(session.statusCode).toBe(200);
    expect(session.json().user).toMatchObject({ email, emailVerified: true, mfaEnabled: false });

    // Verifying sends nothing more.
    expect(sink.to(email)).toHaveLength(1);
    // Nothing went to the dev outbox either.
    expect(await db.db.select().from(devOutbox).where(eq(devOutbox.to, email))).toHaveLength(0);
  });

  it('turns the dev outbox off: GET /api/dev/mailbox is 404', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/dev/mailbox' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('never puts a password in any message: duplicate sign-up notice, reset code, password-changed notice', async () => {
    const email = uniqueEmail('smtp-secrets');
    const client = new Client(app);
    expect(
      (await client.post('/api/auth/register', { email, password: GOOD_PASSWORD })).statusCode,
    ).toBe(201);
    const [welcome] = await sink.parsedTo(email);
    expect(
      (await client.post('/api/auth/register/verify', { code: sixDigitCode(welcome!) })).statusCode,
    ).toBe(200);

    // A second sign-up for the address: its owner is told, and no code is mailed.
    const otherPassword = 'another long passphrase 42';
    const again = await new Client(app).post('/api/auth/register', {
      email,
      password: otherPassword,
    });
    expect(again.statusCode).toBe(201);
    const notice = (await sink.parsedTo(email))[1]!;
    expect(notice.subject).toMatch(/\S/);
    expect(notice.text).toMatch(/\S/);
    expect(typeof notice.html).toBe('string');
    expect(notice.text).not.toMatch(/\b\d{6}\b/);

    const forgot = await new Client(app).post('/api/auth/password/forgot', { email });
    expect(forgot.statusCode).toBe(200);
    const reset = (await sink.parsedTo(email))[2]!;
    const resetCode = sixDigitCode(reset);
    expect(resetCode).toMatch(/^\d{6}$/);
    expect(String(reset.html)).toContain(resetCode);

    const newPassword = 'a brand new passphrase 7';
    const done = await new Client(app).post('/api/auth/password/reset', {
      email,
      code: resetCode,
      password: newPassword,
    });
    expect(done.statusCode).toBe(200);
    const changed = (await sink.parsedTo(email))[3]!;
    expect(changed.subject).toMatch(/\S/);

    const all = await sink.parsedTo(email);
    expect(all).toHaveLength(4);
    for (const mail of all) {
      expect(typeof mail.html).toBe('string');
      const content = everything(mail);
      for (const secret of [GOOD_PASSWORD, otherPassword, newPassword])
        expect(content).not.toContain(secret);
    }
  });
});

describe('when the SMTP server refuses the message', () => {
  const refusals: [Mode, string][] = [
    ['refuse-recipient', '550 at RCPT TO'],
    ['refuse-data', '421 at end of DATA'],
  ];

  it.each(refusals)(
    '%s (%s): register answers 503 MAIL_UNAVAILABLE and leaves no account behind',
    async (mode) => {
      const email = uniqueEmail(`smtp-${mode}`);
      sink.mode = mode;
      const client = new Client(app);
      const refused = await client.post('/api/auth/register', { email, password: GOOD_PASSWORD });
      expect(refused.statusCode).toBe(503);
      expect(refused.json()).toMatchObject({
        code: 'MAIL_UNAVAILABLE',
        message: expect.any(String),
      });
      expect(client.cookies.size).toBe(0);
      expect(sink.to(email)).toHaveLength(0);
      expect(await userRow(email)).toBeUndefined();

      // The mail server is back: signing up again with the same address works end to end.
      sink.mode = 'accept';
      const retry = new Client(app);
      const registered = await retry.post('/api/auth/register', { email, password: GOOD_PASSWORD });
      expect(registered.statusCode).toBe(201);
      const [mail, ...more] = await sink.parsedTo(email);
      expect(more).toHaveLength(0);
      const verified = await retry.post('/api/auth/register/verify', { code: sixDigitCode(mail!) });
      expect(verified.statusCode).toBe(200);
      expect((await retry.get('/api/auth/session')).json().user.email).toBe(email);
    },
  );

  it('fails a sign-up for an existing address exactly like a new one: 503 and no cookie', async () => {
    sink.mode = 'accept';
    const existing = uniqueEmail('smtp-existing');
    const first = new Client(app);
    await first.post('/api/auth/register', { email: existing, password: GOOD_PASSWORD });
    const [mail] = await sink.parsedTo(existing);
    expect(
      (await first.post('/api/auth/register/verify', { code: sixDigitCode(mail!) })).statusCode,
    ).toBe(200);

    sink.mode = 'refuse-recipient';
    const duplicate = new Client(app);
    const fresh = new Client(app);
    const duplicateAnswer = await duplicate.post('/api/auth/register', {
      email: existing,
      password: GOOD_PASSWORD,
    });
    const freshAnswer = await fresh.post('/api/auth/register', {
      email: uniqueEmail('smtp-new'),
      password: GOOD_PASSWORD,
    });
    expect(duplicateAnswer.statusCode).toBe(503);
    expect(duplicateAnswer.json()).toEqual(freshAnswer.json());
    expect(duplicateAnswer.headers['set-cookie']).toBeUndefined();
    expect(freshAnswer.headers['set-cookie']).toBeUndefined();
  });

  it('leaves no code, challenge or session rows for the refused sign-up', async () => {
    const email = uniqueEmail('smtp-rows');
    sink.mode = 'refuse-recipient';
    expect(
      (await new Client(app).post('/api/auth/register', { email, password: GOOD_PASSWORD }))
        .statusCode,
    ).toBe(503);
    expect(await userRow(email)).toBeUndefined();
    // Nothing may point at the deleted account.
    for (const table of [emailCodes, loginChallenges, sessions] as const) {
      const rows = await db.db
        .select({ userId: table.userId, known: members.id })
        .from(table)
        .leftJoin(members, eq(members.id, table.userId));
      expect(rows.filter((row) => row.known === null)).toEqual([]);
    }
  });

  it('password/forgot still answers 200 "sent" (no hint that the account exists)', async () => {
    const email = uniqueEmail('smtp-forgot');
    const client = new Client(app);
    expect(
      (await client.post('/api/auth/register', { email, password: GOOD_PASSWORD })).statusCode,
    ).toBe(201);
    const [mail] = await sink.parsedTo(email);
    expect(
      (await client.post('/api/auth/register/verify', { code: sixDigitCode(mail!) })).statusCode,
    ).toBe(200);

    sink.mode = 'refuse-recipient';
    const known = await new Client(app).post('/api/auth/password/forgot', { email });
    const unknown = await new Client(app).post('/api/auth/password/forgot', {
      email: uniqueEmail('nobody'),
    });
    expect(known.statusCode).toBe(200);
    expect(unknown.statusCode).toBe(200);
    expect(known.json()).toEqual(unknown.json());
  });
});

describe('logging a failed delivery', () => {
  let logged: App;
  const logLines: string[] = [];
  beforeAll(async () => {
    logged = await buildApp({
      config: testConfig({ SMTP_URL: sink.url }),
      db,
      // Everything, at the most verbose level, and without the production redaction list.
      logger: { level: 'trace', stream: { write: (line: string) => void logLines.push(line) } },
    });
  });
  afterAll(async () => {
    await logged?.close();
  });

  it('logs recipient and subject, never the body or the code it carried', async () => {
    const email = uniqueEmail('smtp-log');
    sink.mode = 'refuse-data';
    const refused = await new Client(logged).post('/api/auth/register', {
      email,
      password: GOOD_PASSWORD,
    });
    expect(refused.statusCode).toBe(503);
    expect(refused.json().code).toBe('MAIL_UNAVAILABLE');

    // The server read the whole message before refusing it: that is the code that was at stake.
    const attempt = sink.refused.filter((delivery) => delivery.to.includes(email));
    expect(attempt).toHaveLength(1);
    const mail = await simpleParser(attempt[0]!.raw);
    const code = sixDigitCode(mail);
    expect(code).toMatch(/^\d{6}$/);

    const entries = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const failure = entries.filter((entry) => entry.msg === 'mail delivery failed');
    expect(failure).toHaveLength(1);
    expect(failure[0]).toMatchObject({ to: email, subject: mail.subject });
    for (const entry of entries) {
      expect(entry, JSON.stringify(entry)).not.toHaveProperty('text');
      expect(entry, JSON.stringify(entry)).not.toHaveProperty('html');
    }
    for (const line of logLines)
      expect(new RegExp(`(?<![0-9])${code}(?![0-9])`).test(line), line).toBe(false);
  });
});

describe('when the SMTP server cannot be reached', () => {
  let offline: App;
  beforeAll(async () => {
    offline = await buildTestApp(db, {
      env: { SMTP_URL: `smtp://127.0.0.1:${await closedPort()}` },
    });
  });
  afterAll(async () => {
    await offline?.close();
  });
  it('register answers 503 MAIL_UNAVAILABLE promptly and keeps no account', async () => {
    const email = uniqueEmail('smtp-offline');
    const started = Date.now();
    const response = await new Client(offline).post('/api/auth/register', {
      email,
      password: GOOD_PASSWORD,
    });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ code: 'MAIL_UNAVAILABLE' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await userRow(email)).toBeUndefined();
  });
});
