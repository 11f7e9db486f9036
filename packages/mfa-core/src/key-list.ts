import { SecretBoxError } from './secret-box-error.js';
import { validateSecretKeys, type SecretKey } from './secret-key.js';

/**
 * Key lists as they appear in configuration: `k2:BASE64KEY,k1:BASE64KEY`, newest first.
 * Keys may be written in base64 or base64url. Error messages name the entry and key id but
 * never echo key material, since they end up in start-up logs.
 */

const BASE64_KEY = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Throws SecretBoxError('INVALID_KEYS') with a message saying which entry is wrong. */
export function parseKeyList(spec: string): SecretKey[] {
  if (typeof spec !== 'string' || spec.trim() === '') {
    throw new SecretBoxError(
      'INVALID_KEYS',
      'Key list is empty; expected "id:base64key[,id:base64key...]"',
    );
  }
  const keys = spec.split(',').map((raw, index) => {
    const entry = raw.trim();
    const separator = entry.indexOf(':');
    if (separator <= 0) {
      throw new SecretBoxError(
        'INVALID_KEYS',
        `Key list entry #${index + 1} must look like "id:base64key"`,
      );
    }
    const id = entry.slice(0, separator).trim();
    const encoded = entry.slice(separator + 1).trim();
    if (!BASE64_KEY.test(encoded)) {
      throw new SecretBoxError(
        'INVALID_KEYS',
        `Key "${id}" (entry #${index + 1}) is not valid base64`,
      );
    }
    return {
      id,
      key: new Uint8Array(Buffer.from(encoded.replace(/-/g, '+').replace(/_/g, '/'), 'base64')),
    };
  });
  return validateSecretKeys(keys);
}

/** The inverse of parseKeyList, in standard base64, for writing generated dev secrets. */
export function encodeKeyList(keys: readonly SecretKey[]): string {
  return validateSecretKeys(keys)
    .map(({ id, key }) => `${id}:${Buffer.from(key).toString('base64')}`)
    .join(',');
}
