import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { createTestDbClient } from '@twofold/db/testing';
import { defaultPoolSize, members, type DbClient } from '@twofold/db';
import { buildApp, type App } from '../src/app.js';
import { ConfigError, ephemeralSecretEnv, RATE_LIMIT_AUTH_MAX_CEILING } from '@twofold/fastify';
import { loadConfig } from '../src/config.js';
import { hashPassword, contextOf } from '@twofold/fastify/internal';
import { buildTestApp, Client, GOOD_PASSWORD, uniqueEmail } from './helpers/app.js';
import { enrollTotp } from './helpers/mfa.js';

const temporaryDirs: string[] = [];
function tempDataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'twofold-config-'));
  temporaryDirs.push(dir);
  return dir;
}

let db: DbClient;
beforeAll(async () => {
  db = await createTestDbClient();
});
afterAll(async () => {
  await db?.close();
  for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
});

const quiet = { log: () => {} };
const b64 = (bytes: number) => randomBytes(bytes).toString('base64');

/** A complete production environment; tests remove or spoil one variable at a time. */
function productionEnv(overrides: Record<string, string | undefined> = {}) {
  return {
    NODE_ENV: 'production',
    DATA_DIR: tempDataDir(),
    SMTP_URL: 'smtp://127.0.0.1:2525',
    ...ephemeralSecretEnv(),
    ...overrides,
  };
}

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).name).toBe('ConfigError');
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, but loadConfig returned');
}

describe('loadConfig in production', () => {
  it('accepts a complete environment', () => {
    const config = loadConfig(productionEnv(), quiet);
    expect(config.env).toBe('production');
    expect(config.smtpUrl).toBe('smtp://127.0.0.1:2525');
    expect(config.sessionSecrets).toHaveLength(1);
    expect(config.codeHmacKey.length).toBe(32);
    expect(config.encryptionKeys[0]?.key.length).toBe(32);
  });

  it('refuses to start without any secret and names all three variables', () => {
    const error = configError(() =>
      loadConfig(
        productionEnv({
          SESSION_SECRETS: undefined,
          CODE_HMAC_KEY: undefined,
          ENCRYPTION_KEYS: undefined,
        }),
        quiet,
      ),
    );
    expect(error.message).toContain('SESSION_SECRETS');
    expect(error.message).toContain('CODE_HMAC_KEY');
    expect(error.message).toContain('ENCRYPTION_KEYS');
  });

  it.each(['SESSION_SECRETS', 'CODE_HMAC_KEY', 'ENCRYPTION_KEYS'])(
    'names %s alone when only it is missing',
    (name) => {
      const error = configError(() => loadConfig(productionEnv({ [name]: undefined }), quiet));
      expect(error.message).toContain(name);
      for (const other of ['SESSION_SECRETS', 'CODE_HMAC_KEY', 'ENCRYPTION_KEYS'].filter(
        (n) => n !== name,
      )) {
        expect(error.message).not.toContain(other);
      }
    },
  );

  it('treats an empty value as missing', () => {
    const error = configError(() => loadConfig(productionEnv({ CODE_HMAC_KEY: '' }), quiet));
    expect(error.message).toContain('CODE_HMAC_KEY');
  });

  it('never generates secrets on disk in production', () => {
    const dataDir = tempDataDir();
    configError(() =>
      loadConfig(productionEnv({ DATA_DIR: dataDir, SESSION_SECRETS: undefined }), quiet),
    );
    expect(existsSync(path.join(dataDir, 'secrets.json'))).toBe(false);
  });

  it('refuses to start without SMTP_URL: the dev outbox is for development only', () => {
    const error = configError(() => loadConfig(productionEnv({ SMTP_URL: undefined }), quiet));
    expect(error.message).toContain('SMTP_URL');
    configError(() => loadConfig(productionEnv({ SMTP_URL: '' }), quiet));
  });
});

describe('loadConfig in development', () => {
  it('generates the secrets once into DATA_DIR/secrets.json, mode 0600, and says so', () => {
    const dataDir = path.join(tempDataDir(), 'nested', 'data');
    const messages: string[] = [];
    const config = loadConfig(
      { NODE_ENV: 'development', DATA_DIR: dataDir },
      { log: (m) => messages.push(m) },
    );

    const file = path.join(dataDir, 'secrets.json');
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(file);
    expect(messages[0]).toContain('SESSION_SECRETS');

    const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    expect(Object.keys(stored).sort()).toEqual(['codeHmacKey', 'encryptionKeys', 'sessionSecrets']);
    expect(config.sessionSecrets).toEqual([stored.sessionSecrets]);
    expect(config.sessionSecrets[0]!.length).toBeGreaterThanOrEqual(32);
    expect(config.codeHmacKey.length).toBeGreaterThanOrEqual(32);
    expect(config.encryptionKeys).toHaveLength(1);
    expect(config.encryptionKeys[0]?.key.length).toBe(32);
  });

  it('reads the same secrets back on the next start, without generating new ones', () => {
    const dataDir = tempDataDir();
    const first = loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir }, quiet);
    const before = readFileSync(path.join(dataDir, 'secrets.json'), 'utf8');
    const messages: string[] = [];
    const second = loadConfig(
      { NODE_ENV: 'development', DATA_DIR: dataDir },
      { log: (m) => messages.push(m) },
    );

    expect(messages).toEqual([]);
    expect(readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')).toBe(before);
    expect(second.sessionSecrets).toEqual(first.sessionSecrets);
    expect(Buffer.from(second.codeHmacKey).equals(Buffer.from(first.codeHmacKey))).toBe(true);
    expect(second.encryptionKeys.map((k) => [k.id, Buffer.from(k.key).toString('hex')])).toEqual(
      first.encryptionKeys.map((k) => [k.id, Buffer.from(k.key).toString('hex')]),
    );
  });

  it('gives two data directories different secrets', () => {
    const a = loadConfig({ NODE_ENV: 'development', DATA_DIR: tempDataDir() }, quiet);
    const b = loadConfig({ NODE_ENV: 'development', DATA_DIR: tempDataDir() }, quiet);
    expect(a.sessionSecrets).not.toEqual(b.sessionSecrets);
  });

  it('writes nothing when all three secrets are given', () => {
    const dataDir = tempDataDir();
    const messages: string[] = [];
    const secrets = ephemeralSecretEnv();
    const config = loadConfig(
      { NODE_ENV: 'development', DATA_DIR: dataDir, ...secrets },
      { log: (m) => messages.push(m) },
    );
    expect(existsSync(path.join(dataDir, 'secrets.json'))).toBe(false);
    expect(messages).toEqual([]);
    expect(config.sessionSecrets).toEqual([secrets.SESSION_SECRETS]);
  });

  it('starts without SMTP_URL (the dev outbox)', () => {
    const config = loadConfig({ NODE_ENV: 'development', DATA_DIR: tempDataDir() }, quiet);
    expect(config.smtpUrl).toBeUndefined();
  });

  it('treats an unknown NODE_ENV as development', () => {
    expect(loadConfig({ NODE_ENV: 'staging', DATA_DIR: tempDataDir() }, quiet).env).toBe(
      'development',
    );
  });
});

describe('loadConfig with partial or damaged development secrets', () => {
  it('keeps a secret set in the environment and fills in only the missing ones from the file', () => {
    const dir = tempDataDir();
    const own = 's'.repeat(40);
    const config = loadConfig({ DATA_DIR: dir, SESSION_SECRETS: own }, quiet);
    expect(config.sessionSecrets).toEqual([own]);
    const stored = JSON.parse(readFileSync(path.join(dir, 'secrets.json'), 'utf8'));
    expect(config.codeHmacKey).toEqual(Buffer.from(stored.codeHmacKey, 'base64'));
  });

  it('names a damaged secrets file instead of failing with a raw error', () => {
    for (const content of ['{oops', '{}', '[]']) {
      const dir = tempDataDir();
      writeFileSync(path.join(dir, 'secrets.json'), content);
      const error = configError(() => loadConfig({ DATA_DIR: dir }, quiet));
      expect(error.message).toContain(path.join(dir, 'secrets.json'));
    }
  });
});

describe('loadConfig defaults', () => {
  it('listens on 3000 with idle 30 min, absolute 12 h and one TOTP step of drift', () => {
    const config = loadConfig(
      { NODE_ENV: 'development', DATA_DIR: tempDataDir(), ...ephemeralSecretEnv() },
      quiet,
    );
    expect(config.port).toBe(3000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.sessionIdleMs).toBe(30 * 60_000);
    expect(config.sessionAbsoluteMs).toBe(12 * 3_600_000);
    expect(config.totpDriftSteps).toBe(1);
    expect(config.appUrl).toBe('http://localhost:5173');
    expect(config.rateLimitAuthMax).toBe(20);
    expect(config.trustProxy).toBe(false);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.databasePoolSize).toBe(defaultPoolSize());
    expect(config.redisUrl).toBeUndefined();
    expect(config.adminEmails).toEqual([]);
    expect(config.logLevel).toBe('info');
    expect(config.retentionSweepMs).toBe(10 * 60_000);
    expect(config.unverifiedAccountMs).toBe(24 * 3_600_000);
    expect(config.securityEventRetentionMs).toBe(365 * 86_400_000);
    expect(config.devOutboxRetentionMs).toBe(7 * 86_400_000);
  });

  it('runs no periodic retention sweep by default under NODE_ENV=test (tests fake the time)', () => {
    expect(loadConfig({ NODE_ENV: 'test', ...ephemeralSecretEnv() }, quiet).retentionSweepMs).toBe(
      0,
    );
  });

  it('is silent by default under NODE_ENV=test', () => {
    expect(loadConfig({ NODE_ENV: 'test', ...ephemeralSecretEnv() }, quiet).logLevel).toBe(
      'silent',
    );
  });

  it('builds no logger at all when logging is off (a silent one costs a child per request)', async () => {
    const build = (level: string) =>
      buildApp({
        config: loadConfig({ NODE_ENV: 'test', ...ephemeralSecretEnv(), LOG_LEVEL: level }, quiet),
        db,
      });
    const silent = await build('silent');
    const info = await build('info');
    try {
      expect(silent.log.child({})).toBe(silent.log);
      expect(info.log.child({})).not.toBe(info.log);
    } finally {
      await Promise.all([silent.close(), info.close()]);
    }
  });

  it('reads overrides', () => {
    const config = loadConfig(
      {
        NODE_ENV: 'development',
        DATA_DIR: tempDataDir(),
        ...ephemeralSecretEnv(),
        PORT: '8080',
        SESSION_IDLE_MINUTES: '5',
        SESSION_ABSOLUTE_HOURS: '2',
        TOTP_DRIFT_STEPS: '0',
        APP_URL: 'https://app.example.com//',
        ADMIN_EMAILS: ' Boss@Example.com , ,ops@example.com ',
        TRUST_PROXY: 'true',
        DATABASE_POOL_SIZE: '4',
        RETENTION_SWEEP_MINUTES: '0.05',
        UNVERIFIED_ACCOUNT_HOURS: '48',
        SECURITY_EVENT_RETENTION_DAYS: '30',
        DEV_OUTBOX_RETENTION_DAYS: '2',
      },
      quiet,
    );
    expect(config.retentionSweepMs).toBe(3_000);
    expect(config.unverifiedAccountMs).toBe(48 * 3_600_000);
    expect(config.securityEventRetentionMs).toBe(30 * 86_400_000);
    expect(config.devOutboxRetentionMs).toBe(2 * 86_400_000);
    expect(config.port).toBe(8080);
    expect(config.databasePoolSize).toBe(4);
    expect(config.sessionIdleMs).toBe(5 * 60_000);
    expect(config.sessionAbsoluteMs).toBe(2 * 3_600_000);
    expect(config.totpDriftSteps).toBe(0);
    expect(config.appUrl).toBe('https://app.example.com');
    expect(config.adminEmails).toEqual(['boss@example.com', 'ops@example.com']);
    expect(config.trustProxy).toBe(true);
  });

  it('refuses TRUST_PROXY=true in production and says what to set instead', () => {
    for (const value of ['true', '1', ' true ']) {
      const error = configError(() => loadConfig(productionEnv({ TRUST_PROXY: value }), quiet));
      expect(error.message).toMatch(/^TRUST_PROXY=/);
      expect(error.message).toContain('X-Forwarded-For');
      expect(error.message).toContain("reverse proxy's address");
      expect(error.message).toContain('any-peer');
    }
  });

  it('refuses TRUST_PROXY ranges too wide to be proxies, in any mode, with a clear message', () => {
    for (const value of ['0.0.0.0/1,128.0.0.0/1', '0.0.0.0/0', '::/0', '10.0.0.0/7', '2001::/15']) {
      for (const env of [
        productionEnv({ TRUST_PROXY: value }),
        { ...productionEnv(), NODE_ENV: 'development', TRUST_PROXY: value },
      ]) {
        const error = configError(() => loadConfig(env, quiet));
        expect(error.message, value).toMatch(/^TRUST_PROXY range ".+" is wider than \/(8|16)/);
        expect(error.message, value).toContain('any-peer');
      }
    }
    expect(
      loadConfig(productionEnv({ TRUST_PROXY: '10.0.0.0/8,fd00::/16' }), quiet).trustProxy,
    ).toBe('10.0.0.0/8,fd00::/16');
  });

  it('accepts the deliberate TRUST_PROXY=any-peer (any peer) and proxy addresses in production', () => {
    const trust = (TRUST_PROXY: string) =>
      loadConfig(productionEnv({ TRUST_PROXY }), quiet).trustProxy;
    expect(trust('any-peer')).toBe(true);
    expect(trust('10.213.57.10')).toBe('10.213.57.10');
    expect(trust('false')).toBe(false);
    expect(loadConfig(productionEnv(), quiet).trustProxy).toBe(false);
  });

  it('keeps accepting TRUST_PROXY=true outside production', () => {
    for (const NODE_ENV of ['development', 'test']) {
      const trust = (TRUST_PROXY: string) =>
        loadConfig(
          { NODE_ENV, DATA_DIR: tempDataDir(), ...ephemeralSecretEnv(), TRUST_PROXY },
          quiet,
        ).trustProxy;
      expect(trust('true'), NODE_ENV).toBe(true);
      expect(trust('any-peer'), NODE_ENV).toBe(true);
    }
  });

  it('turns the periodic sweep off with RETENTION_SWEEP_MINUTES=0 and keeps security events forever with SECURITY_EVENT_RETENTION_DAYS=0', () => {
    const config = loadConfig(
      productionEnv({ RETENTION_SWEEP_MINUTES: '0', SECURITY_EVENT_RETENTION_DAYS: '0' }),
      quiet,
    );
    expect(config.retentionSweepMs).toBe(0);
    expect(config.securityEventRetentionMs).toBeNull();
  });

  it('trusts proxy headers only from the listed proxies when TRUST_PROXY names them', () => {
    const env = (TRUST_PROXY: string) =>
      loadConfig({ NODE_ENV: 'test', ...ephemeralSecretEnv(), TRUST_PROXY }, quiet).trustProxy;
    expect(env('1')).toBe(true);
    expect(env('false')).toBe(false);
    expect(env(' 10.213.57.0/24, ::1 ,loopback')).toBe('10.213.57.0/24,::1,loopback');
    expect(() => env('nginx')).toThrow(/TRUST_PROXY/);
    expect(() => env('10.0.0.0/33')).toThrow(/TRUST_PROXY/);
  });

  it('keeps every SESSION_SECRETS entry, first one first, for rotation', () => {
    const [newer, older] = ['n'.repeat(40), 'o'.repeat(40)];
    const config = loadConfig(productionEnv({ SESSION_SECRETS: `${newer}, ${older}` }), quiet);
    expect(config.sessionSecrets).toEqual([newer, older]);
  });
});

describe('RATE_LIMIT_AUTH_MAX', () => {
  it('accepts its ceiling, which the bench runs at so that no round is limited', () => {
    const config = loadConfig(
      productionEnv({ RATE_LIMIT_AUTH_MAX: String(RATE_LIMIT_AUTH_MAX_CEILING) }),
      quiet,
    );
    expect(config.rateLimitAuthMax).toBe(RATE_LIMIT_AUTH_MAX_CEILING);
    expect(RATE_LIMIT_AUTH_MAX_CEILING).toBeGreaterThanOrEqual(1_000_000_000);
  });
});

describe('loadConfig refuses bad values with a clear ConfigError', () => {
  const env = (overrides: Record<string, string>) => productionEnv(overrides);

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['SESSION_IDLE_MINUTES', '0'],
    ['SESSION_ABSOLUTE_HOURS', 'twelve'],
    ['TOTP_DRIFT_STEPS', '4'],
    ['RATE_LIMIT_AUTH_MAX', '0'],
    ['RATE_LIMIT_AUTH_MAX', String(RATE_LIMIT_AUTH_MAX_CEILING + 1)],
    ['DATABASE_POOL_SIZE', '0'],
    ['DATABASE_POOL_SIZE', 'ten'],
    ['UNVERIFIED_ACCOUNT_HOURS', '0'],
    ['UNVERIFIED_ACCOUNT_HOURS', '1.5'],
    ['SECURITY_EVENT_RETENTION_DAYS', 'forever'],
    ['SECURITY_EVENT_RETENTION_DAYS', '36501'],
    ['DEV_OUTBOX_RETENTION_DAYS', '0'],
    ['PORT', ' '],
    ['PORT', '0x50'],
    ['PORT', '1e3'],
  ])('%s=%s', (name, value) => {
    const error = configError(() => loadConfig(env({ [name]: value }), quiet));
    expect(error.message).toContain(name);
    expect(error.message).toMatch(/must be an integer between \d+ and \d+/);
    expect(error.message).toContain(`"${value}"`);
  });

  it.each(['ten', '-1', '1441', '1e3', '.5', '0x10', ' ', '1,5'])(
    'RETENTION_SWEEP_MINUTES=%s',
    (value) => {
      const error = configError(() => loadConfig(env({ RETENTION_SWEEP_MINUTES: value }), quiet));
      expect(error.message).toContain('RETENTION_SWEEP_MINUTES');
      expect(error.message).toContain('must be a number between 0 and 1440');
      expect(error.message).toContain(`"${value}"`);
    },
  );

  it('SESSION_SECRETS with no secret in it', () => {
    for (const value of [',', ' , ']) {
      expect(
        configError(() => loadConfig(env({ SESSION_SECRETS: value }), quiet)).message,
      ).toContain('SESSION_SECRETS');
    }
  });

  it('SESSION_SECRETS shorter than 32 characters', () => {
    const error = configError(() => loadConfig(env({ SESSION_SECRETS: 'too-short' }), quiet));
    expect(error.message).toContain('SESSION_SECRETS');
    expect(error.message).toContain('32');
    expect(error.message).not.toContain('too-short');
  });

  it('SESSION_SECRETS with one short entry among good ones', () => {
    const error = configError(() =>
      loadConfig(env({ SESSION_SECRETS: `${'g'.repeat(40)},short` }), quiet),
    );
    expect(error.message).toContain('SESSION_SECRETS');
  });

  it('CODE_HMAC_KEY of fewer than 32 bytes', () => {
    const short = b64(16);
    const error = configError(() => loadConfig(env({ CODE_HMAC_KEY: short }), quiet));
    expect(error.message).toContain('CODE_HMAC_KEY');
    expect(error.message).toContain('32');
    expect(error.message).not.toContain(short);
  });

  const malformedKeys: [string, () => string, RegExp][] = [
    ['no id separator', () => b64(32), /ENCRYPTION_KEYS/],
    ['a key that is not base64', () => 'k1:!!!not-base64!!!', /ENCRYPTION_KEYS.*base64/],
    ['a 16-byte key', () => `k1:${b64(16)}`, /ENCRYPTION_KEYS.*32 bytes/],
    ['the same id twice', () => `k1:${b64(32)},k1:${b64(32)}`, /ENCRYPTION_KEYS.*twice/],
    ['an id with spaces', () => `key one:${b64(32)}`, /ENCRYPTION_KEYS.*id/],
  ];

  it.each(malformedKeys)('malformed ENCRYPTION_KEYS: %s', (_name, value, message) => {
    const keys = value();
    const error = configError(() => loadConfig(env({ ENCRYPTION_KEYS: keys }), quiet));
    expect(error.message).toMatch(message);
    // Key material never reaches the start-up log.
    for (const part of keys.split(/[,:]/).filter((p) => p.length >= 16))
      expect(error.message).not.toContain(part);
  });

  it('accepts a rotated ENCRYPTION_KEYS list, newest first', () => {
    const config = loadConfig(env({ ENCRYPTION_KEYS: `k2:${b64(32)},k1:${b64(32)}` }), quiet);
    expect(config.encryptionKeys.map((k) => k.id)).toEqual(['k2', 'k1']);
  });
});

describe('an app built with NODE_ENV=production', () => {
  let app: App;
  let smtp: SMTPServer;

  beforeAll(async () => {
    // An in-process SMTP server that accepts and drops every message: registration needs its
    // code sent before it sets the pending cookie.
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, callback) => {
        stream.on('end', () => callback());
        stream.resume();
      },
    });
    smtp.listen(0, '127.0.0.1');
    await once(smtp.server, 'listening');
    const { port } = smtp.server.address() as AddressInfo;
    const config = loadConfig(
      productionEnv({ SMTP_URL: `smtp://127.0.0.1:${port}`, LOG_LEVEL: 'silent' }),
      quiet,
    );
    app = await buildTestApp(db, { config });
  });
  afterAll(async () => {
    await app?.close();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  });

  async function verifiedUser() {
    const email = uniqueEmail('prod');
    const user = await contextOf(app).users.create(email, await hashPassword(GOOD_PASSWORD));
    await db.db.update(members).set({ emailVerifiedAt: new Date() }).where(eq(members.id, user.id));
    return email;
  }

  /** One Set-Cookie header, split into its name, value and attributes (lower-cased names). */
  function parseSetCookie(header: string) {
    const [pair = '', ...parts] = header.split(';').map((part) => part.trim());
    const separator = pair.indexOf('=');
    const attributes = new Map(
      parts.map((part) => {
        const eq = part.indexOf('=');
        return eq === -1
          ? [part.toLowerCase(), '']
          : [part.slice(0, eq).toLowerCase(), part.slice(eq + 1)];
      }),
    );
    return { name: pair.slice(0, separator), value: pair.slice(separator + 1), attributes };
  }

  const setCookies = (headers: Record<string, unknown>) => {
    const raw = headers['set-cookie'];
    return (Array.isArray(raw) ? raw : raw ? [raw] : []).map((header) =>
      parseSetCookie(String(header)),
    );
  };

  it('signs in with a __Host- session cookie that is Secure, HttpOnly, SameSite=Lax, Path=/ and has no Domain', async () => {
    const email = await verifiedUser();
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password: GOOD_PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    expect(login.json()).toMatchObject({ status: 'authenticated', user: { email } });

    const cookies = setCookies(login.headers);
    expect(cookies.map((c) => c.name)).toEqual(['__Host-twofold_session']);
    const [session] = cookies;
    expect(session!.value).not.toBe('');
    expect(session!.attributes.has('secure')).toBe(true);
    expect(session!.attributes.has('httponly')).toBe(true);
    expect(session!.attributes.get('samesite')?.toLowerCase()).toBe('lax');
    expect(session!.attributes.get('path')).toBe('/');
    expect(session!.attributes.has('domain')).toBe(false);
    expect(Number(session!.attributes.get('max-age'))).toBe(12 * 3600);

    // The prefixed cookie is the one read back; the bare name means nothing in production.
    const me = await app.inject({
      method: 'GET',
      url: '/api/auth/session',
      headers: { cookie: `__Host-twofold_session=${session!.value}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.email).toBe(email);
    const bare = await app.inject({
      method: 'GET',
      url: '/api/auth/session',
      headers: { cookie: `twofold_session=${session!.value}` },
    });
    expect(bare.statusCode).toBe(401);
  });

  it('sets the challenge, pending registration and trusted-device cookies with __Host-, Secure, HttpOnly, SameSite=Lax, Path=/ and no Domain', async () => {
    const expectHostCookie = (headers: Record<string, unknown>, kind: string) => {
      const cookie = setCookies(headers).find((c) => c.name === `__Host-twofold_${kind}`);
      expect(cookie, `a __Host-twofold_${kind} cookie`).toBeDefined();
      expect(cookie!.value, kind).not.toBe('');
      expect(cookie!.attributes.has('secure'), kind).toBe(true);
      expect(cookie!.attributes.has('httponly'), kind).toBe(true);
      expect(cookie!.attributes.get('samesite')?.toLowerCase(), kind).toBe('lax');
      expect(cookie!.attributes.get('path'), kind).toBe('/');
      expect(cookie!.attributes.has('domain'), kind).toBe(false);
      // No bare-named twin that a plain-http page could set or read.
      expect(setCookies(headers).map((c) => c.name)).not.toContain(`twofold_${kind}`);
    };

    const registered = await app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email: uniqueEmail('prod-pending'), password: GOOD_PASSWORD },
    });
    expect(registered.statusCode, registered.body).toBe(201);
    expectHostCookie(registered.headers, 'pending');

    const email = await verifiedUser();
    const owner = new Client(app);
    expect(
      (await owner.post('/api/auth/login', { email, password: GOOD_PASSWORD })).statusCode,
    ).toBe(200);
    const { backupCodes } = await enrollTotp(owner);

    const browser = new Client(app);
    const challenged = await browser.post('/api/auth/login', { email, password: GOOD_PASSWORD });
    expect(challenged.json().status).toBe('mfa_required');
    expectHostCookie(challenged.headers, 'challenge');

    const verified = await browser.post('/api/auth/mfa/verify', {
      method: 'backup_code',
      code: backupCodes[0]!,
      trustDevice: true,
    });
    expect(verified.statusCode, verified.body).toBe(200);
    expectHostCookie(verified.headers, 'device');
  });

  it('clears the session cookie on logout with the same Secure, Path=/ attributes (browsers ignore it otherwise)', async () => {
    const email = await verifiedUser();
    const client = new Client(app);
    expect(
      (await client.post('/api/auth/login', { email, password: GOOD_PASSWORD })).statusCode,
    ).toBe(200);
    expect(client.cookies.has('__Host-twofold_session')).toBe(true);

    const logout = await client.post('/api/auth/logout');
    expect(logout.statusCode).toBe(200);
    const [cleared] = setCookies(logout.headers);
    expect(cleared?.name).toBe('__Host-twofold_session');
    expect(cleared!.attributes.has('secure')).toBe(true);
    expect(cleared!.attributes.get('path')).toBe('/');
    expect(cleared!.attributes.has('domain')).toBe(false);
    const expires = cleared!.attributes.get('expires');
    const maxAge = cleared!.attributes.get('max-age');
    expect(maxAge === '0' || (expires !== undefined && Date.parse(expires) <= Date.now())).toBe(
      true,
    );
    expect((await client.get('/api/auth/session')).statusCode).toBe(401);
  });

  it('has no dev mailbox', async () => {
    expect(contextOf(app).mailer.kind).toBe('smtp');
    expect((await app.inject({ method: 'GET', url: '/api/dev/mailbox' })).statusCode).toBe(404);
  });
});

describe('an app built with NODE_ENV=test (for contrast)', () => {
  let app: App;
  beforeAll(async () => {
    app = await buildTestApp(db);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('uses the bare cookie name without Secure, so plain-http development works', async () => {
    const email = uniqueEmail('dev');
    const user = await contextOf(app).users.create(email, await hashPassword(GOOD_PASSWORD));
    await db.db.update(members).set({ emailVerifiedAt: new Date() }).where(eq(members.id, user.id));
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password: GOOD_PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    const header = String(login.headers['set-cookie']);
    expect(header).toMatch(/^twofold_session=/);
    expect(header).not.toMatch(/;\s*Secure/i);
    expect(header).toMatch(/;\s*HttpOnly/i);
    expect(header).toMatch(/;\s*SameSite=Lax/i);
    expect(header).toMatch(/;\s*Path=\//);
  });
});
