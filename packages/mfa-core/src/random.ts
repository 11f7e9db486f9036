import { randomBytes } from 'node:crypto';

/**
 * A source of cryptographically secure random bytes. Every function that needs randomness
 * takes one, so tests can substitute a deterministic source.
 */
export type RandomSource = (byteCount: number) => Uint8Array;

/** The production source: the operating system CSPRNG through node:crypto. */
export const defaultRandom: RandomSource = (byteCount) => randomBytes(byteCount);

/**
 * Draws exactly `byteCount` bytes. A source that hands back fewer bytes would silently
 * shrink the entropy of whatever is built from them, so that is treated as a bug.
 */
export function drawBytes(random: RandomSource, byteCount: number): Uint8Array {
  const bytes = random(byteCount);
  if (!(bytes instanceof Uint8Array) || bytes.length !== byteCount) {
    throw new RangeError(
      `Random source returned ${describeLength(bytes)} bytes, expected ${byteCount}`,
    );
  }
  return bytes;
}

function describeLength(value: unknown): string {
  return value instanceof Uint8Array ? String(value.length) : 'no';
}
