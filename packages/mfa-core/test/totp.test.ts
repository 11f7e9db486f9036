import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  decodeBase32,
  encodeBase32,
  formatSecretForDisplay,
  generateHotp,
  generateTotp,
  generateTotpSecret,
  timeStepAt,
  verifyTotp,
  type OtpAlgorithm,
} from '../src/index.js';
import { scriptedRandom } from './helpers/random.js';

interface RfcVectors {
  hotp: { secretAscii: string; digits: 6; algorithm: 'SHA1'; codes: string[] };
  totp: {
    digits: 8;
    period: number;
    secrets: Record<OtpAlgorithm, string>;
    vectors: Array<{ time: number } & Record<OtpAlgorithm, string>>;
  };
}

const vectors = JSON.parse(
  readFileSync(new URL('./fixtures/rfc-otp-vectors.json', import.meta.url), 'utf8'),
) as RfcVectors;
const ascii = (text: string) => new TextEncoder().encode(text);

// A fixed, valid 160-bit secret and a moment in the middle of a time step.
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const NOW = Date.UTC(2025, 0, 15, 12, 0, 10);
const STEP_MS = 30_000;

describe('RFC 4226 HOTP vectors', () => {
  it.each(vectors.hotp.codes.map((code, counter) => ({ code, counter })))(
    'counter $counter -> $code',
    ({ code, counter }) => {
      expect(generateHotp({ secret: ascii(vectors.hotp.secretAscii), counter })).toBe(code);
    },
  );

  it('accepts the same key as base32', () => {
    const secret = encodeBase32(ascii(vectors.hotp.secretAscii));
    expect(generateHotp({ secret, counter: 0 })).toBe(vectors.hotp.codes[0]);
  });
});

describe('RFC 6238 TOTP vectors', () => {
  const cases = vectors.totp.vectors.flatMap((vector) =>
    (['SHA1', 'SHA256', 'SHA512'] as const).map((algorithm) => ({
      algorithm,
      time: vector.time,
      code: vector[algorithm],
    })),
  );

  it.each(cases)('$algorithm at T=$time -> $code', ({ algorithm, time, code }) => {
    const secret = ascii(vectors.totp.secrets[algorithm]);
    const options = {
      secret,
      now: time * 1000,
      digits: 8,
      period: vectors.totp.period,
      algorithm,
    } as const;
    expect(generateTotp(options)).toBe(code);
    expect(verifyTotp({ ...options, code, window: 0 })).toEqual({
      valid: true,
      timeStep: Math.floor(time / vectors.totp.period),
      delta: 0,
    });
  });
});

describe('generateTotpSecret', () => {
  it('is 160 bits of base32 without padding', () => {
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(decodeBase32(secret)).toHaveLength(20);
  });

  it('encodes exactly the bytes drawn from the random source', () => {
    const bytes = Array.from({ length: 20 }, (_, i) => i * 13);
    expect(decodeBase32(generateTotpSecret(scriptedRandom([bytes])))).toEqual(
      Uint8Array.from(bytes),
    );
  });

  it('differs between calls', () => {
    expect(generateTotpSecret()).not.toBe(generateTotpSecret());
  });
});

describe('verifyTotp', () => {
  const codeAt = (stepOffset: number) =>
    generateTotp({ secret: SECRET, now: NOW + stepOffset * STEP_MS });

  it.each([-1, 0, 1])(
    'accepts a code from step %i with the default window and reports it',
    (offset) => {
      expect(verifyTotp({ secret: SECRET, code: codeAt(offset), now: NOW })).toEqual({
        valid: true,
        timeStep: timeStepAt(NOW) + offset,
        delta: offset,
      });
    },
  );

  it.each([-2, 2])('rejects a code from step %i with the default window', (offset) => {
    expect(verifyTotp({ secret: SECRET, code: codeAt(offset), now: NOW })).toEqual({
      valid: false,
    });
  });

  it('accepts step ±2 when the window is widened to 2', () => {
    expect(verifyTotp({ secret: SECRET, code: codeAt(-2), now: NOW, window: 2 })).toMatchObject({
      valid: true,
      delta: -2,
    });
    expect(verifyTotp({ secret: SECRET, code: codeAt(2), now: NOW, window: 2 })).toMatchObject({
      valid: true,
      delta: 2,
    });
  });

  it('with window 0 accepts only the current step', () => {
    expect(verifyTotp({ secret: SECRET, code: codeAt(0), now: NOW, window: 0 })).toMatchObject({
      valid: true,
      delta: 0,
    });
    expect(verifyTotp({ secret: SECRET, code: codeAt(-1), now: NOW, window: 0 })).toEqual({
      valid: false,
    });
    expect(verifyTotp({ secret: SECRET, code: codeAt(1), now: NOW, window: 0 })).toEqual({
      valid: false,
    });
  });

  it('treats the step boundary exactly: the last millisecond of a step still belongs to it', () => {
    const stepStart = timeStepAt(NOW) * STEP_MS;
    const code = generateTotp({ secret: SECRET, now: stepStart });
    expect(
      verifyTotp({ secret: SECRET, code, now: stepStart + STEP_MS - 1, window: 0 }),
    ).toMatchObject({ valid: true });
    expect(verifyTotp({ secret: SECRET, code, now: stepStart + STEP_MS, window: 0 })).toEqual({
      valid: false,
    });
  });

  it('rejects a code for another secret', () => {
    const other = generateTotp({ secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', now: NOW });
    expect(verifyTotp({ secret: SECRET, code: other, now: NOW })).toEqual({ valid: false });
  });

  it('ignores spaces and dashes the user typed', () => {
    const code = codeAt(0);
    expect(
      verifyTotp({ secret: SECRET, code: `${code.slice(0, 3)} ${code.slice(3)}`, now: NOW }),
    ).toMatchObject({ valid: true });
    expect(
      verifyTotp({ secret: SECRET, code: `${code.slice(0, 3)}-${code.slice(3)}`, now: NOW }),
    ).toMatchObject({ valid: true });
  });

  it.each([
    ['empty', ''],
    ['too short', '12345'],
    ['too long', '1234567'],
    ['letters', 'abcdef'],
    ['mixed', '12345a'],
    ['full-width digits', '１２３４５６'],
    ['punctuation', '123.45'],
    ['huge', '9'.repeat(10_000)],
  ])('rejects malformed input (%s) without computing anything', (_label, code) => {
    // An undecodable secret would throw if any HMAC were attempted.
    expect(verifyTotp({ secret: '!!not base32!!', code, now: NOW })).toEqual({ valid: false });
  });

  it('rejects non-string codes', () => {
    expect(verifyTotp({ secret: SECRET, code: 123456 as unknown as string, now: NOW })).toEqual({
      valid: false,
    });
  });

  it('supports 8-digit codes when asked', () => {
    const code = generateTotp({ secret: SECRET, now: NOW, digits: 8 });
    expect(code).toMatch(/^\d{8}$/);
    expect(verifyTotp({ secret: SECRET, code, now: NOW, digits: 8 })).toMatchObject({
      valid: true,
    });
    // 8-digit codes are refused where 6 are expected, and vice versa.
    expect(verifyTotp({ secret: SECRET, code, now: NOW })).toEqual({ valid: false });
    expect(verifyTotp({ secret: SECRET, code: code.slice(2), now: NOW, digits: 8 })).toEqual({
      valid: false,
    });
  });

  it.each([-1, 1.5, 11])('refuses window %s', (window) => {
    expect(() => verifyTotp({ secret: SECRET, code: '123456', now: NOW, window })).toThrow(
      RangeError,
    );
  });

  it('accepts a lower-case or grouped secret', () => {
    const code = codeAt(0);
    expect(
      verifyTotp({ secret: formatSecretForDisplay(SECRET).toLowerCase(), code, now: NOW }),
    ).toMatchObject({ valid: true });
  });
});

describe('timeStepAt', () => {
  it('is floor(unix seconds / period)', () => {
    expect(timeStepAt(0)).toBe(0);
    expect(timeStepAt(29_999)).toBe(0);
    expect(timeStepAt(30_000)).toBe(1);
    expect(timeStepAt(59_000)).toBe(1);
    expect(timeStepAt(1_111_111_109_000)).toBe(37_037_036);
    expect(timeStepAt(120_000, 60)).toBe(2);
  });

  it('refuses a bad period or time', () => {
    expect(() => timeStepAt(NOW, 0)).toThrow(RangeError);
    expect(() => timeStepAt(Number.NaN)).toThrow(RangeError);
  });
});

describe('formatSecretForDisplay', () => {
  it('groups by four', () => {
    expect(formatSecretForDisplay('JBSWY3DPEHPK3PXP')).toBe('JBSW Y3DP EHPK 3PXP');
    expect(formatSecretForDisplay('ABCDEF')).toBe('ABCD EF');
    expect(formatSecretForDisplay(SECRET).split(' ')).toHaveLength(8);
  });

  it('is idempotent', () => {
    const once = formatSecretForDisplay(SECRET);
    expect(formatSecretForDisplay(once)).toBe(once);
  });
});
