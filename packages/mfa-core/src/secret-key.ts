import { SecretBoxError } from './secret-box-error.js';
import { defaultRandom, drawBytes, type RandomSource } from './random.js';

/** One AES-256 key and the id stored next to everything it sealed. */
export interface SecretKey {
  id: string;
  /** Exactly 32 bytes. */
  key: Uint8Array;
}

export const SECRET_KEY_BYTES = 32;
// Ids end up in config strings ("id:base64,...") and database columns, so keep them plain.
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Checks a key list (newest first) and returns private copies, so later mutation of the
 * caller's arrays cannot change the keys in use. Throws SecretBoxError('INVALID_KEYS').
 */
export function validateSecretKeys(keys: readonly SecretKey[]): SecretKey[] {
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new SecretBoxError('INVALID_KEYS', 'Secret box needs at least one key');
  }
  const seen = new Set<string>();
  return keys.map((entry, index) => {
    const { id, key } = entry;
    if (typeof id !== 'string' || !KEY_ID_PATTERN.test(id)) {
      throw new SecretBoxError(
        'INVALID_KEYS',
        `Key #${index + 1}: id must be 1-64 characters of A-Z, a-z, 0-9, "_" or "-"`,
      );
    }
    if (seen.has(id)) throw new SecretBoxError('INVALID_KEYS', `Key id "${id}" is listed twice`);
    seen.add(id);
    if (!(key instanceof Uint8Array) || key.length !== SECRET_KEY_BYTES) {
      const got = key instanceof Uint8Array ? `${key.length} bytes` : 'not bytes';
      throw new SecretBoxError(
        'INVALID_KEYS',
        `Key "${id}" must be ${SECRET_KEY_BYTES} bytes (AES-256), got ${got}`,
      );
    }
    return { id, key: Uint8Array.from(key) };
  });
}

/** A new random AES-256 key, e.g. for the dev start-up that writes secrets into DATA_DIR. */
export function generateSecretKey(id: string, random: RandomSource = defaultRandom): SecretKey {
  const [key] = validateSecretKeys([{ id, key: drawBytes(random, SECRET_KEY_BYTES) }]);
  return key as SecretKey;
}
