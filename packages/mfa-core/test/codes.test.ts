import { describe, expect, it } from 'vitest';
import {
  BACKUP_CODE_ALPHABET,
  BACKUP_CODE_COUNT,
  EMAIL_CODE_LENGTH,
  formatBackupCode,
  generateBackupCodes,
  generateEmailCode,
  normalizeBackupCode,
  normalizeEmailCode,
} from '../src/index.js';
import { scriptedRandom, seededRandom, uint32Bytes } from './helpers/random.js';

// floor(2^32 / 10^6) * 10^6: draws at or above are rejected.
const LIMIT = 4_294_000_000;

describe('generateEmailCode', () => {
  it('is six digits', () => {
    expect(EMAIL_CODE_LENGTH).toBe(6);
    for (let i = 0; i < 200; i += 1) expect(generateEmailCode()).toMatch(/^\d{6}$/);
  });

  it('keeps leading zeros', () => {
    expect(generateEmailCode(scriptedRandom([uint32Bytes(0)]))).toBe('000000');
    expect(generateEmailCode(scriptedRandom([uint32Bytes(4217)]))).toBe('004217');
    expect(generateEmailCode(scriptedRandom([uint32Bytes(1_000_000 + 42)]))).toBe('000042');
  });

  it('uses the highest value below the rejection limit', () => {
    expect(generateEmailCode(scriptedRandom([uint32Bytes(LIMIT - 1)]))).toBe('999999');
  });

  it('rejects draws at or above the limit and draws again (no modulo bias)', () => {
    const random = scriptedRandom([
      uint32Bytes(LIMIT),
      uint32Bytes(0xffffffff),
      uint32Bytes(123_456),
    ]);
    expect(generateEmailCode(random)).toBe('123456');
    expect(random.calls).toBe(3);
  });

  it('gives up on a stuck random source instead of looping forever', () => {
    const stuck = () => Uint8Array.from([0xff, 0xff, 0xff, 0xff]);
    expect(() => generateEmailCode(stuck)).toThrow(/out-of-range/);
  });

  it('refuses a random source that returns too few bytes', () => {
    expect(() => generateEmailCode(() => new Uint8Array(2))).toThrow(RangeError);
  });

  it('spreads codes evenly over every digit position', () => {
    const random = seededRandom(20240601);
    const samples = 20_000;
    const counts = Array.from({ length: EMAIL_CODE_LENGTH }, () => new Array<number>(10).fill(0));
    for (let i = 0; i < samples; i += 1) {
      const code = generateEmailCode(random);
      [...code].forEach((digit, position) => {
        const row = counts[position] as number[];
        row[Number(digit)] = (row[Number(digit)] ?? 0) + 1;
      });
    }
    for (const row of counts) {
      for (const count of row) {
        // Expected 2000 per digit; 5 standard deviations is about ±212.
        expect(Math.abs(count - samples / 10)).toBeLessThan(250);
      }
    }
  });
});

describe('normalizeEmailCode', () => {
  it.each([
    ['123456', '123456'],
    [' 123 456 ', '123456'],
    ['123-456', '123456'],
    ['012345', '012345'],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeEmailCode(input)).toBe(expected);
  });

  it.each([
    '',
    '12345',
    '1234567',
    '12345a',
    'abcdef',
    '１２３４５６',
    '1'.repeat(100),
    null,
    123456,
  ])('rejects %j', (input) => {
    expect(normalizeEmailCode(input)).toBeNull();
  });
});

describe('generateBackupCodes', () => {
  const FORMAT = new RegExp(`^[${BACKUP_CODE_ALPHABET}]{5}-[${BACKUP_CODE_ALPHABET}]{5}$`);

  it('makes ten distinct codes in the xxxxx-xxxxx format', () => {
    const codes = generateBackupCodes();
    expect(BACKUP_CODE_COUNT).toBe(10);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(FORMAT);
  });

  it('honours a custom count', () => {
    expect(generateBackupCodes(3)).toHaveLength(3);
    expect(() => generateBackupCodes(0)).toThrow(RangeError);
  });

  it('uses an unambiguous 32-character alphabet, so each code carries 50 bits', () => {
    expect(BACKUP_CODE_ALPHABET).toBe('0123456789abcdefghjkmnpqrstvwxyz');
    expect(new Set(BACKUP_CODE_ALPHABET).size).toBe(32);
    for (const lookAlike of ['i', 'l', 'o', 'u'])
      expect(BACKUP_CODE_ALPHABET).not.toContain(lookAlike);
    expect(Math.log2(BACKUP_CODE_ALPHABET.length ** 10)).toBeGreaterThanOrEqual(50);
  });

  it('maps each random byte onto the alphabet uniformly (low five bits)', () => {
    const first = Array.from({ length: 10 }, (_, i) => i); // 0..9
    const second = Array.from({ length: 10 }, (_, i) => 32 + 22 + i); // wraps to 22..31
    const [a, b] = generateBackupCodes(2, scriptedRandom([first, second]));
    expect(a).toBe('01234-56789');
    expect(b).toBe('pqrst-vwxyz');
  });

  it('draws again when a code repeats within the set', () => {
    const same = new Array(10).fill(7);
    const random = scriptedRandom([same, same, new Array(10).fill(8)]);
    expect(generateBackupCodes(2, random)).toEqual(['77777-77777', '88888-88888']);
    expect(random.calls).toBe(3);
  });

  it('gives up on a random source that always repeats', () => {
    expect(() => generateBackupCodes(2, () => new Uint8Array(10))).toThrow(/repeating/);
  });

  it('round-trips through normalizeBackupCode', () => {
    for (const code of generateBackupCodes()) {
      const canonical = normalizeBackupCode(code);
      expect(canonical).toBe(code.replace('-', ''));
      expect(formatBackupCode(canonical as string)).toBe(code);
    }
  });
});

describe('normalizeBackupCode', () => {
  it.each([
    ['abcde-12345', 'abcde12345'],
    ['ABCDE-12345', 'abcde12345'],
    ['  abcde 12345 ', 'abcde12345'],
    ['ab-cd-e1-23-45', 'abcde12345'],
    ['abcde12345', 'abcde12345'],
    ['oOiIl-LO0l1', '0011110011'],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeBackupCode(input)).toBe(expected);
  });

  it('maps Crockford look-alikes: o -> 0, i and l -> 1', () => {
    expect(normalizeBackupCode('OOOOO-IIIII')).toBe('0000011111');
    expect(normalizeBackupCode('lllll-00000')).toBe('1111100000');
  });

  it.each([
    '',
    'abcde-1234',
    'abcde-123456',
    'abcde-1234u',
    'abcde_12345',
    'abcdé-12345',
    'a'.repeat(100),
    null,
    42,
  ])('rejects %j', (input) => {
    expect(normalizeBackupCode(input)).toBeNull();
  });
});
