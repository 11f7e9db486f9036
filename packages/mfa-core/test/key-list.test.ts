import { describe, expect, it } from 'vitest';
import { createSecretBox, encodeKeyList, parseKeyList, SecretBoxError } from '../src/index.js';

const bytesA = new Uint8Array(32).map((_, i) => i);
const bytesB = new Uint8Array(32).map((_, i) => 255 - i);
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

describe('parseKeyList', () => {
  it('reads "id:base64" entries, newest first', () => {
    const keys = parseKeyList(`k2:${b64(bytesB)},k1:${b64(bytesA)}`);
    expect(keys).toEqual([
      { id: 'k2', key: bytesB },
      { id: 'k1', key: bytesA },
    ]);
  });

  it('accepts base64url and surrounding whitespace', () => {
    expect(parseKeyList(` k2 : ${b64url(bytesB)} ,\n k1:${b64url(bytesA)} `)).toEqual([
      { id: 'k2', key: bytesB },
      { id: 'k1', key: bytesA },
    ]);
  });

  it('feeds createSecretBox', () => {
    const box = createSecretBox(parseKeyList(`k1:${b64(bytesA)}`));
    expect(box.currentKeyId).toBe('k1');
    expect(box.open(box.seal('s'))).toBe('s');
  });

  it.each([
    ['empty', '', /empty/],
    ['blank', '   ', /empty/],
    ['no id', `${b64(bytesA)}`, /#1 must look like "id:base64key"/],
    ['empty id', `:${b64(bytesA)}`, /#1 must look like/],
    ['empty entry', `k1:${b64(bytesA)},`, /#2 must look like/],
    ['not base64', 'k1:not*base64!', /"k1" \(entry #1\) is not valid base64/],
    ['too short', `k1:${b64(bytesA.slice(0, 16))}`, /"k1" must be 32 bytes/],
    ['duplicate', `k1:${b64(bytesA)},k1:${b64(bytesB)}`, /"k1" is listed twice/],
    ['bad id', `k 1:${b64(bytesA)}`, /#1: id must be/],
  ])('explains what is wrong (%s)', (_label, spec, message) => {
    let caught: unknown;
    try {
      parseKeyList(spec);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SecretBoxError);
    expect((caught as SecretBoxError).code).toBe('INVALID_KEYS');
    expect((caught as Error).message).toMatch(message);
  });

  it('does not echo key material in errors', () => {
    const short = b64(bytesA.slice(0, 20));
    expect(() => parseKeyList(`k1:${short}`)).toThrow(SecretBoxError);
    try {
      parseKeyList(`k1:${short}`);
    } catch (error) {
      expect((error as Error).message).not.toContain(short);
    }
  });
});

describe('encodeKeyList', () => {
  it('round-trips through parseKeyList', () => {
    const keys = [
      { id: 'k2', key: bytesB },
      { id: 'k1', key: bytesA },
    ];
    const spec = encodeKeyList(keys);
    expect(spec).toBe(`k2:${b64(bytesB)},k1:${b64(bytesA)}`);
    expect(parseKeyList(spec)).toEqual(keys);
  });

  it('validates what it writes', () => {
    expect(() => encodeKeyList([])).toThrow(SecretBoxError);
  });
});
