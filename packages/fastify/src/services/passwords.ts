import { createArgon2Pool } from './argon2-pool.js';

/** `Algorithm.Argon2id` (a const enum, which isolated modules cannot read). */
const ARGON2ID = 2;

/** OWASP's argon2id recommendation: m=19 MiB, t=2, p=1. */
export const ARGON2_OPTIONS = {
  algorithm: ARGON2ID,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/** The same password typed on different systems must hash the same: normalise Unicode first. */
const normalize = (password: string) => password.normalize('NFC');

/** Two threads per core, below the event loop's priority (see argon2-pool.ts). */
export const argon2Pool = createArgon2Pool();

export function hashPassword(password: string): Promise<string> {
  return argon2Pool.hash(normalize(password), ARGON2_OPTIONS);
}

/**
 * A real hash of a random password, so an unknown email costs the same verify time as a wrong
 * password (no user enumeration by timing). Made on first use.
 */
let dummyHash: Promise<string> | undefined;

/** Verifies against the stored hash, or against a dummy hash when there is no user. */
export async function verifyPassword(
  storedHash: string | undefined,
  password: string,
): Promise<boolean> {
  const target = storedHash ?? (await (dummyHash ??= hashPassword(crypto.randomUUID())));
  try {
    const ok = await argon2Pool.verify(target, normalize(password));
    return ok && storedHash !== undefined;
  } catch {
    return false;
  }
}

/** A short list of checks beyond length; breached-password lookups need a third-party service. */
export function passwordWeakness(password: string, email: string): string | null {
  const lower = password.toLowerCase();
  const local = email.split('@')[0] ?? '';
  if (lower === email || (local.length >= 4 && lower.includes(local))) {
    return 'The password must not contain your email address.';
  }
  if (new Set(password).size < 4)
    return 'The password needs more variety: use at least 4 different characters.';
  return null;
}
