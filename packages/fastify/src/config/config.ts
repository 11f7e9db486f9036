import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import path from 'node:path';
import { defaultPoolSize } from '@twofold/db';
import { encodeKeyList, parseKeyList, type SecretKey } from '@twofold/mfa-core';

export type RuntimeEnv = 'development' | 'production' | 'test';

export interface Config {
  env: RuntimeEnv;
  host: string;
  port: number;
  /** Public origin of the SPA: links in emails and the CSRF origin check use it. */
  appUrl: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** PostgreSQL connections per API process (postgres.js pool). */
  databasePoolSize: number;
  smtpUrl: string | undefined;
  mailFrom: string;
  /** The app's name: the issuer authenticator apps show, and the name in every mail. */
  appName: string;
  /** First signs cookies, all verify (rotation). */
  sessionSecrets: string[];
  codeHmacKey: Uint8Array;
  /** First seals, all open (rotation). */
  encryptionKeys: SecretKey[];
  sessionAbsoluteMs: number;
  sessionIdleMs: number;
  totpDriftSteps: number;
  adminEmails: string[];
  redisUrl: string | undefined;
  /** false, true (any peer; spelled `any-peer` in production), or the proxies' addresses/CIDR ranges, comma-separated. */
  trustProxy: boolean | string;
  logLevel: string;
  /** Requests per minute per IP on each auth route. */
  rateLimitAuthMax: number;
  /** Built SPA served by the API in production (one port). */
  webDistDir: string | undefined;
  /** Time between retention sweeps; 0: no periodic sweep (the operator command still works). */
  retentionSweepMs: number;
  /** An account never verified is deleted this long after sign-up. */
  unverifiedAccountMs: number;
  /** Security events are kept this long; null: forever. */
  securityEventRetentionMs: number | null;
  /** Dev outbox messages are kept this long. */
  devOutboxRetentionMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/** The highest `RATE_LIMIT_AUTH_MAX` (per minute) accepted: in effect, no limit (the bench). */
export const RATE_LIMIT_AUTH_MAX_CEILING = 1_000_000_000;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
  }
  return value;
}

/** Like `integer`, with a fraction allowed ("0.05" minutes is 3 s, for tests). */
function decimal(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a number between ${min} and ${max} (got "${raw}")`);
  }
  return value;
}

function list(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** proxy-addr's names for address ranges, accepted in TRUST_PROXY beside addresses and CIDRs. */
const PROXY_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

/** The deliberate spelling of "trust X-Forwarded-* from any peer", accepted in production. */
export const TRUST_ANY_PEER = 'any-peer';

/**
 * TRUST_PROXY: a list of addresses or CIDR ranges trusts X-Forwarded-* only from those peers
 * (the reverse proxy), so a client that reaches the API directly cannot choose its own IP for
 * the per-IP limits. "any-peer" trusts every peer, for an API no client can reach but through
 * the proxy; "true"/"1" mean the same outside production, but a production API refuses them:
 * they read like the harmless "behind a proxy" switch and silently switch the per-IP limits off.
 */
/** The widest ranges TRUST_PROXY takes as proxies (10.0.0.0/8, a /16 of IPv6). */
const MIN_PROXY_BITS_V4 = 8;
const MIN_PROXY_BITS_V6 = 16;

function trustProxy(raw: string | undefined, production: boolean): boolean | string {
  const value = raw?.trim() ?? '';
  if (value === '' || value === 'false' || value === '0') return false;
  if (value === TRUST_ANY_PEER) return true;
  if (value === 'true' || value === '1') {
    if (!production) return true;
    throw new ConfigError(
      `TRUST_PROXY=${value} lets any client choose its IP with X-Forwarded-For, which turns the ` +
        `per-IP rate limits off. Set TRUST_PROXY to your reverse proxy's address(es) or CIDR ` +
        `range(s), comma-separated (e.g. TRUST_PROXY=10.0.0.2), or to ${TRUST_ANY_PEER} if no ` +
        'client can reach the API except through the proxy.',
    );
  }
  const entries = list(value);
  for (const entry of entries) {
    const [address = '', bits, ...rest] = entry.split('/');
    const version = isIP(address);
    const maxBits = version === 6 ? 128 : 32;
    const validBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= maxBits);
    if (PROXY_RANGES.includes(entry)) continue;
    // A range this wide is not a proxy: `0.0.0.0/1,128.0.0.0/1` would trust every client while
    // looking like a list of proxies. Trusting everyone is spelled any-peer, on purpose.
    const minBits = version === 6 ? MIN_PROXY_BITS_V6 : MIN_PROXY_BITS_V4;
    if (version !== 0 && validBits && bits !== undefined && Number(bits) < minBits) {
      throw new ConfigError(
        `TRUST_PROXY range "${entry}" is wider than /${minBits}: it would trust clients, not a ` +
          `proxy. List your reverse proxy's address(es) or ranges, or set ${TRUST_ANY_PEER} to ` +
          'trust every peer deliberately.',
      );
    }
    if (version !== 0 && validBits && rest.length === 0) continue;
    throw new ConfigError(
      `TRUST_PROXY must be false, ${TRUST_ANY_PEER}, or comma-separated proxy addresses/CIDR ranges (got "${entry}")`,
    );
  }
  return entries.join(',');
}

interface Secrets {
  sessionSecrets: string;
  codeHmacKey: string;
  encryptionKeys: string;
}

const SECRET_VARS = ['SESSION_SECRETS', 'CODE_HMAC_KEY', 'ENCRYPTION_KEYS'] as const;

function generateSecrets(): Secrets {
  return {
    sessionSecrets: randomBytes(32).toString('base64url'),
    codeHmacKey: randomBytes(32).toString('base64'),
    encryptionKeys: encodeKeyList([{ id: 'dev1', key: randomBytes(32) }]),
  };
}

/**
 * Development secrets are generated once into DATA_DIR/secrets.json so sessions and encrypted
 * factors survive restarts. Production never gets here: missing secrets stop start-up.
 */
function devSecrets(dataDir: string, log: (message: string) => void): Secrets {
  const file = path.join(dataDir, 'secrets.json');
  if (existsSync(file)) {
    let stored: Partial<Secrets> | undefined;
    try {
      stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<Secrets>;
    } catch {
      // reported below
    }
    if (
      typeof stored?.sessionSecrets === 'string' &&
      typeof stored.codeHmacKey === 'string' &&
      typeof stored.encryptionKeys === 'string'
    ) {
      return stored as Secrets;
    }
    throw new ConfigError(
      `${file} is not a valid secrets file: delete it to generate new development secrets.`,
    );
  }
  mkdirSync(dataDir, { recursive: true });
  const secrets = generateSecrets();
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  log(`Generated development secrets into ${file} (set ${SECRET_VARS.join(', ')} in production).`);
  return secrets;
}

function parseSecrets(
  raw: Secrets,
): Pick<Config, 'sessionSecrets' | 'codeHmacKey' | 'encryptionKeys'> {
  const sessionSecrets = list(raw.sessionSecrets);
  if (sessionSecrets.length === 0 || sessionSecrets.some((secret) => secret.length < 32)) {
    throw new ConfigError('SESSION_SECRETS: each secret must be at least 32 characters');
  }
  const codeHmacKey = Buffer.from(raw.codeHmacKey, 'base64');
  if (codeHmacKey.length < 32) {
    throw new ConfigError('CODE_HMAC_KEY must be base64 of at least 32 random bytes');
  }
  let encryptionKeys: SecretKey[];
  try {
    encryptionKeys = parseKeyList(raw.encryptionKeys);
  } catch (error) {
    throw new ConfigError(`ENCRYPTION_KEYS: ${(error as Error).message}`);
  }
  return { sessionSecrets, codeHmacKey, encryptionKeys };
}

export interface LoadConfigOptions {
  /** Where start-up notices go (the logger does not exist yet). */
  log?: (message: string) => void;
  /** DATA_DIR when unset: `.data` in the working directory unless the app says otherwise. */
  defaultDataDir?: string;
  /** WEB_DIST_DIR in production when unset and the folder exists (the standalone product's SPA). */
  defaultWebDistDir?: string;
  /** The app passes its own mail transport (the plugin's `mailer` option): SMTP_URL may be unset. */
  ownMailer?: boolean;
}

export function loadConfig(env: Env = process.env, options: LoadConfigOptions = {}): Config {
  const log = options.log ?? ((message: string) => console.warn(message));
  const nodeEnv =
    env.NODE_ENV === 'production' || env.NODE_ENV === 'test' ? env.NODE_ENV : 'development';
  const dataDir = path.resolve(env.DATA_DIR || options.defaultDataDir || '.data');
  const defaultWebDistDir = options.defaultWebDistDir;
  const production = nodeEnv === 'production';

  const missing = SECRET_VARS.filter((name) => !env[name]?.trim());
  if (production && missing.length > 0) {
    throw new ConfigError(
      `Refusing to start in production without ${missing.join(', ')}. See apps/api/DEPLOYMENT.md, Environment.`,
    );
  }
  // In development a variable that is set wins; the generated file fills in the rest.
  const generated = missing.length > 0 ? devSecrets(dataDir, log) : undefined;
  const secrets: Secrets = {
    sessionSecrets: env.SESSION_SECRETS?.trim() || generated!.sessionSecrets,
    codeHmacKey: env.CODE_HMAC_KEY?.trim() || generated!.codeHmacKey,
    encryptionKeys: env.ENCRYPTION_KEYS?.trim() || generated!.encryptionKeys,
  };

  const appName = (env.APP_NAME ?? '').trim() || 'Twofold';
  // It goes into otpauth URIs and mail subjects: one printable line, no ':' (the URI's
  // separator between issuer and account).
  if (appName.length > 64 || /[\p{Cc}:]/u.test(appName)) {
    throw new ConfigError(
      `APP_NAME must be one line of at most 64 characters without ":" (got ${JSON.stringify(appName)})`,
    );
  }

  const smtpUrl = env.SMTP_URL || undefined;
  if (production && !smtpUrl && !options.ownMailer) {
    throw new ConfigError(
      'Refusing to start in production without SMTP_URL: the dev outbox is for development only.',
    );
  }

  return {
    env: nodeEnv,
    host: env.HOST || '127.0.0.1',
    port: integer(env, 'PORT', 3000, 0, 65535),
    appUrl: (env.APP_URL || 'http://localhost:5173').replace(/\/+$/, ''),
    dataDir,
    databaseUrl: env.DATABASE_URL || undefined,
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', defaultPoolSize(), 1, 1000),
    smtpUrl,
    mailFrom: env.MAIL_FROM || `${appName} <no-reply@twofold.localhost>`,
    appName,
    ...parseSecrets(secrets),
    sessionAbsoluteMs: integer(env, 'SESSION_ABSOLUTE_HOURS', 12, 1, 24 * 30) * 3_600_000,
    sessionIdleMs: integer(env, 'SESSION_IDLE_MINUTES', 30, 1, 24 * 60) * 60_000,
    totpDriftSteps: integer(env, 'TOTP_DRIFT_STEPS', 1, 0, 3),
    adminEmails: list(env.ADMIN_EMAILS).map((email) => email.toLowerCase()),
    redisUrl: env.REDIS_URL || undefined,
    trustProxy: trustProxy(env.TRUST_PROXY, production),
    logLevel: env.LOG_LEVEL || (nodeEnv === 'test' ? 'silent' : 'info'),
    rateLimitAuthMax: integer(env, 'RATE_LIMIT_AUTH_MAX', 20, 1, RATE_LIMIT_AUTH_MAX_CEILING),
    webDistDir: env.WEB_DIST_DIR
      ? path.resolve(env.WEB_DIST_DIR)
      : production && defaultWebDistDir && existsSync(defaultWebDistDir)
        ? defaultWebDistDir
        : undefined,
    // Off by default under NODE_ENV=test: a sweep at a test's faked time would delete its rows.
    retentionSweepMs:
      decimal(env, 'RETENTION_SWEEP_MINUTES', nodeEnv === 'test' ? 0 : 10, 0, 24 * 60) * 60_000,
    unverifiedAccountMs: integer(env, 'UNVERIFIED_ACCOUNT_HOURS', 24, 1, 24 * 365) * 3_600_000,
    // 0 keeps the audit trail forever (some compliance regimes want that).
    securityEventRetentionMs:
      integer(env, 'SECURITY_EVENT_RETENTION_DAYS', 365, 0, 36_500) * 86_400_000 || null,
    devOutboxRetentionMs: integer(env, 'DEV_OUTBOX_RETENTION_DAYS', 7, 1, 3650) * 86_400_000,
  };
}

/** Secrets for a throwaway configuration (tests, benchmarks): never written to disk. */
export function ephemeralSecretEnv(): Env {
  const secrets = generateSecrets();
  return {
    SESSION_SECRETS: secrets.sessionSecrets,
    CODE_HMAC_KEY: secrets.codeHmacKey,
    ENCRYPTION_KEYS: secrets.encryptionKeys,
  };
}
