import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { DbClient } from '@twofold/db';
import { createTestDbClient } from '@twofold/db/testing';
import { ephemeralSecretEnv } from '@twofold/fastify';
import { buildShop } from '../src/app.js';

/** A clock the tests move by hand, handed to Twofold as `now`. */
export class Clock {
  constructor(public ms: number) {}
  readonly now = () => new Date(this.ms);
  advance(ms: number): void {
    this.ms += ms;
  }
  /** The next 30-second TOTP step: a code is accepted once per step. */
  nextStep(): void {
    this.ms += 30_000;
  }
}

/** Whether the real oathtool binary is on PATH; the TOTP tests need it. */
export function checkOathtool(): void {
  try {
    execFileSync('oathtool', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      'oathtool is not installed: these tests compute TOTP codes with the real binary, as an ' +
        'authenticator app would. Install it with `apt-get install -y oathtool` (Debian/Ubuntu) ' +
        'or `brew install oath-toolkit` (macOS).',
    );
  }
}

/** The code an authenticator app shows at `at` for this base32 secret: RFC 6238 by oathtool. */
export function oathtool(secret: string, at: Date): string {
  return execFileSync(
    'oathtool',
    ['--totp', '-b', '--digits=6', '--time-step-size=30s', '--now', at.toISOString(), secret],
    { encoding: 'utf8' },
  ).trim();
}

export interface Mail {
  to: string[];
  subject: string;
  text: string;
}

/** An SMTP server in this process: Twofold's mailer delivers to it over real SMTP. */
export class MailSink {
  readonly received: Mail[] = [];
  private readonly pending: Promise<unknown>[] = [];
  private readonly server = new SMTPServer({
    secure: false,
    authOptional: true,
    // A plain local connection: no self-signed certificate for the client to refuse.
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData: (stream, session, callback) => {
      const parsed = simpleParser(stream).then((mail: ParsedMail) => {
        this.received.push({
          to: session.envelope.rcptTo.map(({ address }) => address.toLowerCase()),
          subject: mail.subject ?? '',
          text: mail.text ?? '',
        });
      });
      this.pending.push(parsed);
      parsed.then(() => callback(), callback);
    },
  });
  port = 0;

  async listen(): Promise<void> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server.server, 'listening');
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** The mails to `address` so far. */
  to(address: string): Mail[] {
    return this.received.filter((mail) => mail.to.includes(address.toLowerCase()));
  }

  /**
   * The six-digit code of the newest mail to `address` whose subject matches, waiting for it if
   * needed; `after` is how many such mails there were before the code was asked for.
   */
  async codeFor(address: string, subject: RegExp, after: number): Promise<string> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const matching = this.to(address).filter((mail) => subject.test(mail.subject));
      const mail = matching[after];
      if (mail) {
        const code = mail.text.match(/\b(\d{6})\b/)?.[1];
        if (!code) throw new Error(`no six-digit code in "${mail.subject}":\n${mail.text}`);
        return code;
      }
      if (Date.now() > deadline) {
        throw new Error(`no mail to ${address} matching ${subject} (got ${matching.length})`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  count(address: string, subject: RegExp): number {
    return this.to(address).filter((mail) => subject.test(mail.subject)).length;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.pending);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export interface Answer<T> {
  status: number;
  headers: Headers;
  body: T;
}

type Json = Record<string, unknown>;

/** A browser: real HTTP with fetch, keeping the cookies it is given (a small cookie jar). */
export class Browser {
  readonly jar = new Map<string, string>();
  constructor(
    private readonly base: string,
    private readonly userAgent = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  ) {}

  get<T = Json>(path: string, headers: Record<string, string> = {}): Promise<Answer<T>> {
    return this.send<T>('GET', path, undefined, headers);
  }

  post<T = Json>(
    path: string,
    body?: object,
    headers: Record<string, string> = {},
  ): Promise<Answer<T>> {
    return this.send<T>('POST', path, body, headers);
  }

  async send<T>(
    method: string,
    path: string,
    body: object | undefined,
    headers: Record<string, string>,
  ): Promise<Answer<T>> {
    const cookie = [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(new URL(path, this.base), {
      method,
      headers: {
        'user-agent': this.userAgent,
        ...(cookie && { cookie }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      redirect: 'manual',
    });
    for (const line of response.headers.getSetCookie()) this.store(line);
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: (text ? JSON.parse(text) : undefined) as T,
    };
  }

  private store(setCookie: string): void {
    const [pair = '', ...attributes] = setCookie.split(';').map((part) => part.trim());
    const equals = pair.indexOf('=');
    const name = pair.slice(0, equals);
    const value = pair.slice(equals + 1);
    const expired = attributes.some((attribute) => {
      const [key = '', setting = ''] = attribute.split('=');
      if (key.toLowerCase() === 'max-age') return Number(setting) <= 0;
      if (key.toLowerCase() === 'expires') return Date.parse(setting) <= Date.now();
      return false;
    });
    if (expired || value === '') this.jar.delete(name);
    else this.jar.set(name, value);
  }
}

/** Where the shop runs in a test: over real HTTP, on PGlite or on DATABASE_URL's server. */
export interface RunningShop {
  app: FastifyInstance;
  url: string;
  db: DbClient;
  mail: MailSink;
  clock: Clock;
  browser(): Browser;
  close(): Promise<void>;
}

/** Twofold's clock starts here; oathtool is asked for codes at the same instants. */
export const START = Date.parse('2026-12-03T12:00:00Z');

export async function startShop(): Promise<RunningShop> {
  const clock = new Clock(START);
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
  };
  try {
    const db = await createTestDbClient();
    closers.push(() => db.close());
    const mail = new MailSink();
    await mail.listen();
    closers.push(() => mail.close());
    const app = await buildShop({
      env: {
        NODE_ENV: 'test',
        APP_URL: 'http://shop.localhost:3000',
        APP_NAME: 'Tea Shop',
        SMTP_URL: mail.url,
        MAIL_FROM: 'Tea Shop <security@shop.localhost>',
        // Every test signs in from 127.0.0.1: the per-IP limit would count them all.
        RATE_LIMIT_AUTH_MAX: '1000',
        ...ephemeralSecretEnv(),
      },
      db,
      now: clock.now,
    });
    closers.push(() => app.close());
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}`;
    return { app, url, db, mail, clock, browser: () => new Browser(url), close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Rows of `db.execute(sql...)`: postgres.js answers an array, PGlite `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
