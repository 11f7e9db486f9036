import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDbClient } from '@twofold/db/testing';
import type { DbClient } from '@twofold/db';
import type { App } from '../src/app.js';
import { buildTestApp, Client, signUp } from './helpers/app.js';
import { nextStep } from './helpers/mfa.js';

/**
 * Enrollment proven against real, independent tools: the QR code is decoded with zbarimg (as a
 * phone camera would) and the codes come from oathtool (an RFC 6238 implementation that shares
 * nothing with ours). Both ship in Debian (oathtool, zbar-tools) and are installed by CI.
 */

const TOOLS = ['oathtool', 'zbarimg'] as const;

function installed(tool: string): boolean {
  try {
    execFileSync('which', [tool], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const missing = TOOLS.filter((tool) => !installed(tool));
const inCi = Boolean(process.env.CI) && !['0', 'false'].includes(process.env.CI!.toLowerCase());

/** oathtool's code for the step containing `at` (milliseconds). */
function oathtool(secret: string, at: number): string {
  return execFileSync(
    'oathtool',
    [
      '--totp',
      '-b',
      '--digits=6',
      '--time-step-size=30s',
      '--now',
      new Date(at).toISOString(),
      secret,
    ],
    { encoding: 'utf8' },
  ).trim();
}

/** What zbarimg reads from a `data:image/png;base64,...` URL. */
function scan(dataUrl: string, dir: string): string {
  const match = /^data:image\/png;base64,([A-Za-z0-9+/=]+)$/.exec(dataUrl);
  expect(match, 'qrCode is a PNG data URL').not.toBeNull();
  const file = join(dir, 'enroll.png');
  writeFileSync(file, Buffer.from(match![1]!, 'base64'));
  return execFileSync('zbarimg', ['-q', '--raw', '--nodbus', file], { encoding: 'utf8' }).trim();
}

describe('enrollment with a real authenticator (oathtool, zbarimg)', () => {
  if (missing.length > 0 && inCi) {
    it('has its tools installed', () => {
      throw new Error(
        `${missing.join(' and ')} not found: install the Debian packages oathtool and zbar-tools (CI must run this test).`,
      );
    });
    return;
  }

  let db: DbClient;
  let app: App;
  let dir: string;
  beforeAll(async () => {
    if (missing.length > 0) return;
    db = await createTestDbClient();
    app = await buildTestApp(db);
    dir = mkdtempSync(join(tmpdir(), 'twofold-authenticator-'));
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.skipIf(missing.length > 0)(
    'the QR code scans to the otpauth URI, and oathtool codes confirm enrollment and finish sign-in',
    async () => {
      const { client, email, password } = await signUp(app, db);
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(nextStep());

      const started = await client.post('/api/mfa/totp', {});
      expect(started.statusCode, started.body).toBe(201);
      const { secret, otpauthUri, qrCode } = started.json() as {
        secret: string;
        otpauthUri: string;
        qrCode: string;
      };

      // The phone's view: the QR code holds exactly the URI, and the URI the secret.
      expect(scan(qrCode, dir)).toBe(otpauthUri);
      const uri = new URL(otpauthUri);
      expect(uri.protocol).toBe('otpauth:');
      expect(uri.host).toBe('totp');
      expect(decodeURIComponent(uri.pathname)).toBe(`/Twofold:${email}`);
      expect(uri.searchParams.get('issuer')).toBe('Twofold');
      expect(uri.searchParams.get('secret')).toBe(secret);
      expect(uri.searchParams.get('algorithm')).toBe('SHA1');
      expect(uri.searchParams.get('digits')).toBe('6');
      expect(uri.searchParams.get('period')).toBe('30');

      // Confirm with the code oathtool computes from the scanned secret.
      const scannedSecret = uri.searchParams.get('secret')!;
      const confirmed = await client.post('/api/mfa/totp/confirm', {
        code: oathtool(scannedSecret, Date.now()),
      });
      expect(confirmed.statusCode, confirmed.body).toBe(200);
      expect(confirmed.json().factor).toMatchObject({ type: 'totp', status: 'active' });

      // Sign out, sign in with the password, and finish with a fresh oathtool code (the
      // confirming step is spent, so the next step).
      expect((await client.post('/api/auth/logout', {})).statusCode).toBe(200);
      const browser = new Client(app);
      const login = await browser.post('/api/auth/login', { email, password });
      expect(login.json()).toMatchObject({ status: 'mfa_required' });
      expect(login.json().methods).toContain('totp');
      vi.setSystemTime(nextStep());
      const verified = await browser.post('/api/auth/mfa/verify', {
        method: 'totp',
        code: oathtool(scannedSecret, Date.now()),
      });
      expect(verified.statusCode, verified.body).toBe(200);
      expect((await browser.get('/api/auth/session')).json().session).toMatchObject({
        aal: 2,
        amr: ['pwd', 'otp'],
      });
    },
  );
});
