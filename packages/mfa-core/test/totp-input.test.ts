import type * as Otplib from 'otplib';
import { afterEach, describe, expect, it, vi } from 'vitest';

// Spy on otplib to prove that malformed codes never reach the HMAC computation.
vi.mock('otplib', async (importOriginal) => {
  const actual = await importOriginal<typeof Otplib>();
  return { ...actual, verifySync: vi.fn(actual.verifySync) };
});

const { verifySync } = await import('otplib');
const { generateTotp, verifyTotp } = await import('../src/totp.js');

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const NOW = 1_700_000_000_000;

describe('verifyTotp input screening', () => {
  afterEach(() => vi.mocked(verifySync).mockClear());

  it.each(['', '12345', '1234567', 'abc123', ' ', 'x'.repeat(100)])(
    'does no work for %j',
    (code) => {
      expect(verifyTotp({ secret: SECRET, code, now: NOW })).toEqual({ valid: false });
      expect(verifySync).not.toHaveBeenCalled();
    },
  );

  it('does the work for a well-formed code', () => {
    verifyTotp({ secret: SECRET, code: generateTotp({ secret: SECRET, now: NOW }), now: NOW });
    expect(verifySync).toHaveBeenCalledTimes(1);
  });
});
