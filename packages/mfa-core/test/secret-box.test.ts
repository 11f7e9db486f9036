import { describe, expect, it } from 'vitest';
import {
  createSecretBox,
  generateSecretKey,
  SecretBoxError,
  type SecretKey,
} from '../src/index.js';
import { scriptedRandom } from './helpers/random.js';

const k1: SecretKey = { id: 'k1', key: new Uint8Array(32).fill(1) };
const k2: SecretKey = { id: 'k2', key: new Uint8Array(32).fill(2) };
const PLAINTEXT = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

function expectBoxError(fn: () => unknown, code: SecretBoxError['code']): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SecretBoxError);
    expect((error as SecretBoxError).code).toBe(code);
    return;
  }
  throw new Error(`expected SecretBoxError ${code}`);
}

/** Replaces one character of a base64url part with a different one. */
function flip(part: string, index = 0): string {
  const char = part[index] === 'A' ? 'B' : 'A';
  return part.slice(0, index) + char + part.slice(index + 1);
}

describe('createSecretBox', () => {
  it('round-trips', () => {
    const box = createSecretBox([k1]);
    const sealed = box.seal(PLAINTEXT);
    expect(sealed.keyId).toBe('k1');
    expect(sealed.ciphertext).not.toContain(PLAINTEXT);
    expect(box.open(sealed)).toBe(PLAINTEXT);
  });

  it('round-trips unicode and empty strings', () => {
    const box = createSecretBox([k1]);
    for (const text of ['', 'héllo wörld 🔐']) expect(box.open(box.seal(text))).toBe(text);
  });

  it('writes v1.<iv>.<ciphertext>.<tag> with the IV from the random source', () => {
    const iv = Array.from({ length: 12 }, (_, i) => i + 1);
    const sealed = createSecretBox([k1]).seal(PLAINTEXT, scriptedRandom([iv]));
    const [version, ivPart, body, tag, ...rest] = sealed.ciphertext.split('.');
    expect(version).toBe('v1');
    expect(rest).toEqual([]);
    expect(ivPart).toBe(Buffer.from(iv).toString('base64url'));
    expect(Buffer.from(body as string, 'base64url')).toHaveLength(Buffer.byteLength(PLAINTEXT));
    expect(Buffer.from(tag as string, 'base64url')).toHaveLength(16);
  });

  it('seals strings only', () => {
    expect(() => createSecretBox([k1]).seal(42 as unknown as string)).toThrow(TypeError);
  });

  it('uses a fresh IV each time', () => {
    const box = createSecretBox([k1]);
    expect(box.seal(PLAINTEXT).ciphertext).not.toBe(box.seal(PLAINTEXT).ciphertext);
  });

  describe('rotation', () => {
    it('seals with the first key and opens with any listed key', () => {
      const oldBox = createSecretBox([k1]);
      const rotated = createSecretBox([k2, k1]);
      const old = oldBox.seal(PLAINTEXT);

      expect(rotated.currentKeyId).toBe('k2');
      expect(rotated.open(old)).toBe(PLAINTEXT);
      const fresh = rotated.seal(PLAINTEXT);
      expect(fresh.keyId).toBe('k2');
      expect(rotated.open(fresh)).toBe(PLAINTEXT);
    });

    it('cannot open values sealed with a key that was removed', () => {
      const sealed = createSecretBox([k2, k1]).seal(PLAINTEXT);
      expectBoxError(() => createSecretBox([k1]).open(sealed), 'UNKNOWN_KEY');
    });
  });

  describe('tampering', () => {
    const box = createSecretBox([k2, k1]);
    const sealed = box.seal('a secret worth protecting');
    const [version = '', iv = '', body = '', tag = ''] = sealed.ciphertext.split('.');
    const withParts = (...parts: string[]) => ({
      keyId: sealed.keyId,
      ciphertext: parts.join('.'),
    });

    it('detects a changed ciphertext byte', () => {
      expectBoxError(() => box.open(withParts(version, iv, flip(body, 3), tag)), 'DECRYPT_FAILED');
    });

    it('detects a changed tag', () => {
      expectBoxError(() => box.open(withParts(version, iv, body, flip(tag))), 'DECRYPT_FAILED');
    });

    it('detects a changed IV', () => {
      expectBoxError(() => box.open(withParts(version, flip(iv), body, tag)), 'DECRYPT_FAILED');
    });

    it('detects a relabelled key id', () => {
      expectBoxError(
        () => box.open({ keyId: 'k1', ciphertext: sealed.ciphertext }),
        'DECRYPT_FAILED',
      );
    });

    it('binds the key id into the ciphertext, even when two ids share key bytes', () => {
      const twins = createSecretBox([
        { id: 'a', key: k1.key },
        { id: 'b', key: k1.key },
      ]);
      const sealedA = twins.seal(PLAINTEXT);
      expectBoxError(
        () => twins.open({ keyId: 'b', ciphertext: sealedA.ciphertext }),
        'DECRYPT_FAILED',
      );
    });

    it('refuses unknown key ids', () => {
      expectBoxError(() => box.open({ keyId: 'k9', ciphertext: sealed.ciphertext }), 'UNKNOWN_KEY');
    });

    it.each([
      ['empty', ''],
      ['wrong version', ['v2', iv, body, tag].join('.')],
      ['missing part', [version, iv, body].join('.')],
      ['extra part', [version, iv, body, tag, tag].join('.')],
      ['non-base64url characters', [version, iv, `${body}*`, tag].join('.')],
      ['short IV', [version, iv.slice(0, 8), body, tag].join('.')],
      ['short tag', [version, iv, body, tag.slice(0, 10)].join('.')],
    ])('refuses a malformed value (%s)', (_label, ciphertext) => {
      expectBoxError(() => box.open({ keyId: 'k2', ciphertext }), 'MALFORMED');
    });
  });

  describe('configuration', () => {
    it.each([
      ['an empty list', []],
      ['duplicate ids', [k1, { id: 'k1', key: k2.key }]],
      ['a 16-byte key', [{ id: 'short', key: new Uint8Array(16) }]],
      ['a 33-byte key', [{ id: 'long', key: new Uint8Array(33) }]],
      ['an empty id', [{ id: '', key: k1.key }]],
      ['an id with a separator', [{ id: 'a:b', key: k1.key }]],
    ])('refuses %s at creation', (_label, keys) => {
      expectBoxError(() => createSecretBox(keys as SecretKey[]), 'INVALID_KEYS');
    });

    it('copies the keys, so later changes to the caller’s arrays do not matter', () => {
      const key = new Uint8Array(32).fill(7);
      const keys = [{ id: 'k7', key }];
      const box = createSecretBox(keys);
      const sealed = box.seal(PLAINTEXT);
      key.fill(0);
      keys.length = 0;
      expect(box.open(sealed)).toBe(PLAINTEXT);
    });

    it('never puts key material in error messages', () => {
      const key = new Uint8Array(16).fill(0x41);
      expect(() => createSecretBox([{ id: 'k1', key }])).toThrow(SecretBoxError);
      try {
        createSecretBox([{ id: 'k1', key }]);
      } catch (error) {
        expect((error as Error).message).not.toContain(Buffer.from(key).toString('base64'));
        expect((error as Error).message).toContain('k1');
      }
    });
  });
});

describe('generateSecretKey', () => {
  it('makes a usable 32-byte key from the random source', () => {
    const bytes = new Array(32).fill(9);
    const key = generateSecretKey('dev', scriptedRandom([bytes]));
    expect(key).toEqual({ id: 'dev', key: Uint8Array.from(bytes) });
    const box = createSecretBox([key]);
    expect(box.open(box.seal('x'))).toBe('x');
  });

  it('validates the id', () => {
    expectBoxError(() => generateSecretKey('bad id'), 'INVALID_KEYS');
  });
});
