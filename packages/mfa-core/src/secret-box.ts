import { createCipheriv, createDecipheriv } from 'node:crypto';
import { SecretBoxError } from './secret-box-error.js';
import { validateSecretKeys, type SecretKey } from './secret-key.js';
import { defaultRandom, drawBytes, type RandomSource } from './random.js';

/**
 * Authenticated encryption for secrets that must be read back (TOTP secrets), with key
 * rotation in the style of @fastify/cookie's secret lists: the first key seals, every listed
 * key opens, and the key id is kept beside the ciphertext.
 *
 * Ciphertext format: `v1.<iv>.<ciphertext>.<tag>`, each part base64url, AES-256-GCM with a
 * 12-byte random IV and a 16-byte tag. The version and key id are bound as associated data,
 * so a ciphertext cannot be relabelled to another key or format.
 */

export interface SealedSecret {
  keyId: string;
  ciphertext: string;
}

export interface SecretBox {
  /** Id of the key that seals; values sealed under another id are due for re-sealing. */
  readonly currentKeyId: string;
  seal(plaintext: string, random?: RandomSource): SealedSecret;
  /** Throws SecretBoxError: UNKNOWN_KEY, MALFORMED or DECRYPT_FAILED. */
  open(sealed: SealedSecret): string;
}

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Throws SecretBoxError('INVALID_KEYS') on an empty list, duplicate ids or wrong key sizes. */
export function createSecretBox(keys: readonly SecretKey[]): SecretBox {
  const list = validateSecretKeys(keys);
  const byId = new Map(list.map((entry) => [entry.id, entry.key]));
  const current = list[0] as SecretKey;

  return {
    currentKeyId: current.id,

    seal(plaintext, random = defaultRandom) {
      if (typeof plaintext !== 'string') throw new TypeError('Secret box seals strings only');
      const iv = drawBytes(random, IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(associatedData(current.id));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const parts = [VERSION, encode(iv), encode(body), encode(cipher.getAuthTag())];
      return { keyId: current.id, ciphertext: parts.join('.') };
    },

    open(sealed) {
      const key = byId.get(sealed.keyId);
      if (key === undefined) {
        throw new SecretBoxError(
          'UNKNOWN_KEY',
          `No key with id "${String(sealed.keyId)}" is configured`,
        );
      }
      const { iv, body, tag } = parse(sealed.ciphertext);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(associatedData(sealed.keyId));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
      } catch (error) {
        throw new SecretBoxError('DECRYPT_FAILED', 'Sealed secret failed authentication', {
          cause: error,
        });
      }
    },
  };
}

function associatedData(keyId: string): Buffer {
  return Buffer.from(`${VERSION}:${keyId}`, 'utf8');
}

function encode(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

function parse(ciphertext: unknown): { iv: Buffer; body: Buffer; tag: Buffer } {
  if (typeof ciphertext !== 'string') throw malformed();
  const parts = ciphertext.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) throw malformed();
  const [, ivText = '', bodyText = '', tagText = ''] = parts;
  // Buffer's base64 decoder skips bad characters silently; refuse them instead.
  if (![ivText, bodyText, tagText].every((part) => BASE64URL.test(part))) throw malformed();
  const iv = Buffer.from(ivText, 'base64url');
  const tag = Buffer.from(tagText, 'base64url');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw malformed();
  return { iv, body: Buffer.from(bodyText, 'base64url'), tag };
}

function malformed(): SecretBoxError {
  return new SecretBoxError('MALFORMED', `Sealed secret is not in the ${VERSION} format`);
}
