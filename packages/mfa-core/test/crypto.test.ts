import { describe, expect, it } from 'vitest';
import { constantTimeEqual, hmacSha256Hex, randomToken, sha256Hex } from '../src/index.js';
import { scriptedRandom } from './helpers/random.js';

describe('sha256Hex', () => {
  it('matches the FIPS 180-2 known answers', () => {
    expect(sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('hashes UTF-8', () => {
    // SHA-256 of the two UTF-8 bytes c3 a9.
    expect(sha256Hex('é')).toBe(sha256Hex(Buffer.from([0xc3, 0xa9]).toString('utf8')));
    expect(sha256Hex('é')).not.toBe(sha256Hex('e'));
  });
});

describe('hmacSha256Hex', () => {
  it('matches RFC 4231 test case 2', () => {
    expect(hmacSha256Hex(new TextEncoder().encode('Jefe'), 'what do ya want for nothing?')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('matches RFC 4231 test case 1 (binary key)', () => {
    expect(hmacSha256Hex(new Uint8Array(20).fill(0x0b), 'Hi There')).toBe(
      'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    );
  });

  it('depends on the key', () => {
    expect(hmacSha256Hex(new Uint8Array(32).fill(1), '123456')).not.toBe(
      hmacSha256Hex(new Uint8Array(32).fill(2), '123456'),
    );
  });
});

describe('constantTimeEqual', () => {
  it.each([
    ['', '', true],
    ['abc', 'abc', true],
    ['héllo', 'héllo', true],
    ['abc', 'abd', false],
    ['abc', 'ABC', false],
    ['abc', 'abcd', false],
    ['abcd', 'abc', false],
    ['', 'a', false],
    ['a'.repeat(1000), 'a'.repeat(999), false],
  ])('%j vs %j -> %s', (a, b, expected) => {
    expect(constantTimeEqual(a, b)).toBe(expected);
  });
});

describe('randomToken', () => {
  it('defaults to 256 bits of base64url', () => {
    const token = randomToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(randomToken()).not.toBe(token);
  });

  it('encodes the bytes from the random source', () => {
    const bytes = [0xfb, 0xff, 0xbf, ...new Array<number>(13).fill(0)];
    expect(randomToken(16, scriptedRandom([bytes]))).toBe(Buffer.from(bytes).toString('base64url'));
    expect(randomToken(16, scriptedRandom([bytes]))).toMatch(/^-_-_/);
  });

  it('refuses tokens under 128 bits', () => {
    expect(() => randomToken(15)).toThrow(RangeError);
    expect(() => randomToken(16.5)).toThrow(RangeError);
    expect(() => randomToken(1025)).toThrow(RangeError);
  });

  it('refuses a random source that returns too few bytes', () => {
    expect(() => randomToken(32, () => new Uint8Array(16))).toThrow(RangeError);
  });
});
