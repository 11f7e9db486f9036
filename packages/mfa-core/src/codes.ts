import { defaultRandom, drawBytes, type RandomSource } from './random.js';

/**
 * Short-lived email codes and single-use backup codes. Both are stored by the server only as
 * HMACs of their canonical form (see `normalizeEmailCode` / `normalizeBackupCode`).
 */

export const EMAIL_CODE_LENGTH = 6;
export const BACKUP_CODE_COUNT = 10;
export const BACKUP_CODE_LENGTH = 10;
/** Crockford base32 in lower case: no i, l, o or u, so codes survive being read aloud or copied by hand. */
export const BACKUP_CODE_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

const EMAIL_CODE_SPACE = 10 ** EMAIL_CODE_LENGTH;
// The largest multiple of 10^6 that fits in 32 bits; draws at or above it are thrown away so
// every code is equally likely (a plain modulo would favour the low codes).
const EMAIL_CODE_LIMIT = Math.floor(2 ** 32 / EMAIL_CODE_SPACE) * EMAIL_CODE_SPACE;
// A healthy CSPRNG almost never needs a second draw; a stuck one must not loop forever.
const MAX_DRAWS = 64;
// Inputs are trimmed of separators before checking; anything longer than this is not a code.
const MAX_INPUT_LENGTH = 64;

const BACKUP_CODE_PATTERN = /^[0-9a-hjkmnp-tv-z]{10}$/;
const LOOK_ALIKES: Record<string, string> = { o: '0', i: '1', l: '1' };

/** A uniformly random 6-digit code, leading zeros kept ("004217"). */
export function generateEmailCode(random: RandomSource = defaultRandom): string {
  for (let draw = 0; draw < MAX_DRAWS; draw += 1) {
    const bytes = drawBytes(random, 4);
    const value = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
    if (value < EMAIL_CODE_LIMIT) {
      return String(value % EMAIL_CODE_SPACE).padStart(EMAIL_CODE_LENGTH, '0');
    }
  }
  throw new Error('Random source keeps returning out-of-range values');
}

/** "123 456" or "123-456" -> "123456"; anything that is not six digits -> null. */
export function normalizeEmailCode(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > MAX_INPUT_LENGTH) return null;
  const code = input.replace(/[\s-]/g, '');
  return code.length === EMAIL_CODE_LENGTH && /^[0-9]+$/.test(code) ? code : null;
}

/**
 * A set of distinct backup codes, each 10 Crockford base32 characters (50 bits) shown as
 * "xxxxx-xxxxx". Hash `normalizeBackupCode(code)` when storing them.
 */
export function generateBackupCodes(
  count: number = BACKUP_CODE_COUNT,
  random: RandomSource = defaultRandom,
): string[] {
  if (!Number.isInteger(count) || count < 1 || count > 100) {
    throw new RangeError('Backup code count must be an integer between 1 and 100');
  }
  const codes = new Set<string>();
  for (let draw = 0; codes.size < count; draw += 1) {
    if (draw >= count + MAX_DRAWS) throw new Error('Random source keeps repeating backup codes');
    codes.add(randomBackupCode(random));
  }
  return [...codes].map(formatBackupCode);
}

/**
 * Canonical form of a typed backup code: lower case, without spaces or dashes, with the
 * Crockford look-alikes (o -> 0, i and l -> 1) mapped back. Returns null when it cannot be one.
 */
export function normalizeBackupCode(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > MAX_INPUT_LENGTH) return null;
  const code = input
    .toLowerCase()
    .replace(/[\s-]/g, '')
    .replace(/[oil]/g, (char) => LOOK_ALIKES[char] ?? char);
  return BACKUP_CODE_PATTERN.test(code) ? code : null;
}

/** "abcde12345" -> "abcde-12345", the form shown to the user. */
export function formatBackupCode(canonical: string): string {
  return `${canonical.slice(0, 5)}-${canonical.slice(5)}`;
}

function randomBackupCode(random: RandomSource): string {
  // 256 is a multiple of 32, so keeping the low five bits of each byte is uniform.
  const bytes = drawBytes(random, BACKUP_CODE_LENGTH);
  let code = '';
  for (const byte of bytes) code += BACKUP_CODE_ALPHABET.charAt(byte & 31);
  return code;
}
