import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { defaultRandom, drawBytes, type RandomSource } from './random.js';

/** Tokens below 128 bits could be guessed; see the storage table in DESIGN.md. */
export const MIN_TOKEN_BYTES = 16;

/** SHA-256 of a UTF-8 string, as lower-case hex. Used to store high-entropy tokens. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/**
 * HMAC-SHA256 of a UTF-8 string under `key`, as lower-case hex. Used to store low-entropy
 * codes: without the key (kept outside the database) the 10^6 code space cannot be enumerated.
 */
export function hmacSha256Hex(key: Uint8Array, value: string): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('hex');
}

/**
 * Compares two strings without leaking where they differ. Both sides are hashed to a fixed
 * 32 bytes first, so neither a length mismatch nor the contents shortcut the comparison.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a, 'utf8').digest();
  const right = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(left, right);
}

/** A random opaque token (default 256 bits) as base64url, safe in cookies and URLs. */
export function randomToken(byteCount = 32, random: RandomSource = defaultRandom): string {
  if (!Number.isInteger(byteCount) || byteCount < MIN_TOKEN_BYTES || byteCount > 1024) {
    throw new RangeError(
      `Token length must be an integer between ${MIN_TOKEN_BYTES} and 1024 bytes`,
    );
  }
  return Buffer.from(drawBytes(random, byteCount)).toString('base64url');
}
