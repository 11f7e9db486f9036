import { NodeCryptoPlugin } from '@otplib/plugin-crypto-node';
import { generateSync, ScureBase32Plugin, verifySync, type HashAlgorithm } from 'otplib';
import { encodeBase32, normalizeBase32 } from './base32.js';
import { defaultRandom, drawBytes, type RandomSource } from './random.js';

/**
 * TOTP (RFC 6238) and HOTP (RFC 4226) on top of otplib.
 *
 * Every function here is synchronous: otplib's Node crypto plugin computes HMACs with
 * `node:crypto` synchronously (natively, several times faster than its pure-JavaScript default)
 * and otplib exposes `generateSync` / `verifySync` for it. A synchronous API keeps call sites
 * simple and cannot be misused by forgetting an `await`.
 */

export type OtpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';
export type OtpDigits = 6 | 7 | 8;
/** A base32 string (what users and authenticator apps see) or raw key bytes. */
export type OtpSecret = string | Uint8Array;

export const TOTP_SECRET_BYTES = 20;
export const TOTP_DEFAULT_ALGORITHM: OtpAlgorithm = 'SHA1';
export const TOTP_DEFAULT_DIGITS: OtpDigits = 6;
export const TOTP_DEFAULT_PERIOD = 30;
export const TOTP_DEFAULT_WINDOW = 1;
/** Beyond a few steps of drift the window mostly helps attackers guess. */
export const TOTP_MAX_WINDOW = 10;

// Plugins are stateless; one instance each is shared by every call.
const crypto = new NodeCryptoPlugin();
const base32 = new ScureBase32Plugin();

const ALGORITHMS: Record<OtpAlgorithm, HashAlgorithm> = {
  SHA1: 'sha1',
  SHA256: 'sha256',
  SHA512: 'sha512',
};

/** A fresh 160-bit TOTP secret as unpadded RFC 4648 base32 (32 characters). */
export function generateTotpSecret(random: RandomSource = defaultRandom): string {
  return encodeBase32(drawBytes(random, TOTP_SECRET_BYTES));
}

export interface OtpauthUriOptions {
  /** Base32 secret. */
  secret: string;
  /** Service name shown in the authenticator app, e.g. "Twofold". Must not contain ":". */
  issuer: string;
  /** The account within the service, usually the email address. */
  accountName: string;
  algorithm?: OtpAlgorithm;
  digits?: OtpDigits;
  period?: number;
}

/**
 * Builds a Key Uri Format `otpauth://totp/...` URI.
 *
 * Written by hand rather than with otplib's helper because that helper leaves a ":" inside the
 * account name unencoded (which makes the label ambiguous) and omits default parameters that
 * some authenticator apps still want to see spelled out.
 */
export function buildOtpauthUri(options: OtpauthUriOptions): string {
  const { issuer, accountName } = options;
  const algorithm = options.algorithm ?? TOTP_DEFAULT_ALGORITHM;
  const digits = checkDigits(options.digits ?? TOTP_DEFAULT_DIGITS);
  const period = checkPeriod(options.period ?? TOTP_DEFAULT_PERIOD);
  const secret = normalizeBase32(options.secret);
  if (issuer.trim() === '') throw new RangeError('otpauth URI: issuer must not be empty');
  if (issuer.includes(':')) throw new RangeError('otpauth URI: issuer must not contain ":"');
  if (accountName.trim() === '')
    throw new RangeError('otpauth URI: account name must not be empty');
  if (!/^[A-Z2-7]+$/.test(secret)) throw new RangeError('otpauth URI: secret must be base32');
  toHashAlgorithm(algorithm);

  // encodeURIComponent writes spaces as %20, which the Key Uri Format requires (not "+").
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(accountName)}`;
  const query = [
    `secret=${secret}`,
    `issuer=${encodeURIComponent(issuer)}`,
    `algorithm=${algorithm}`,
    `digits=${digits}`,
    `period=${period}`,
  ].join('&');
  return `otpauth://totp/${label}?${query}`;
}

export interface GenerateTotpOptions {
  secret: OtpSecret;
  /** Current time in milliseconds since the Unix epoch. */
  now: number;
  digits?: OtpDigits;
  period?: number;
  algorithm?: OtpAlgorithm;
}

/** The TOTP code for the time step containing `now`. */
export function generateTotp(options: GenerateTotpOptions): string {
  return generateSync({
    strategy: 'totp',
    secret: prepareSecret(options.secret),
    epoch: toEpochSeconds(options.now),
    period: checkPeriod(options.period ?? TOTP_DEFAULT_PERIOD),
    digits: checkDigits(options.digits ?? TOTP_DEFAULT_DIGITS),
    algorithm: toHashAlgorithm(options.algorithm),
    crypto,
    base32,
  });
}

export interface GenerateHotpOptions {
  secret: OtpSecret;
  counter: number;
  digits?: OtpDigits;
  algorithm?: OtpAlgorithm;
}

/** The HOTP code for `counter`. */
export function generateHotp(options: GenerateHotpOptions): string {
  return generateSync({
    strategy: 'hotp',
    secret: prepareSecret(options.secret),
    counter: options.counter,
    digits: checkDigits(options.digits ?? TOTP_DEFAULT_DIGITS),
    algorithm: toHashAlgorithm(options.algorithm),
    crypto,
    base32,
  });
}

export interface VerifyTotpOptions {
  secret: OtpSecret;
  /** What the user typed. Spaces and dashes ("123 456") are ignored. */
  code: string;
  /** Current time in milliseconds since the Unix epoch. */
  now: number;
  /** Time steps of drift accepted either way (default 1, at most TOTP_MAX_WINDOW). */
  window?: number;
  period?: number;
  digits?: OtpDigits;
  algorithm?: OtpAlgorithm;
}

export type VerifyTotpResult =
  | {
      valid: true;
      /** The matched time step (RFC 6238 counter). Store it and refuse codes at or below it. */
      timeStep: number;
      /** Matched step minus the current step: -1 means the client clock is behind. */
      delta: number;
    }
  | { valid: false };

/**
 * Checks a TOTP code against the current step and `window` steps either side.
 *
 * Malformed input is refused before any HMAC is computed. otplib compares each candidate
 * in constant time. Replay protection is the caller's job: compare the returned `timeStep`
 * with the last one accepted for the factor.
 */
export function verifyTotp(options: VerifyTotpOptions): VerifyTotpResult {
  const digits = checkDigits(options.digits ?? TOTP_DEFAULT_DIGITS);
  const period = checkPeriod(options.period ?? TOTP_DEFAULT_PERIOD);
  const window = options.window ?? TOTP_DEFAULT_WINDOW;
  if (!Number.isInteger(window) || window < 0 || window > TOTP_MAX_WINDOW) {
    throw new RangeError(`TOTP window must be an integer between 0 and ${TOTP_MAX_WINDOW}`);
  }
  const code = cleanCode(options.code, digits);
  if (code === null) return { valid: false };

  const result = verifySync({
    strategy: 'totp',
    secret: prepareSecret(options.secret),
    token: code,
    epoch: toEpochSeconds(options.now),
    period,
    digits,
    algorithm: toHashAlgorithm(options.algorithm),
    // otplib counts tolerance in seconds; whole periods make it exactly `window` steps.
    epochTolerance: window * period,
    crypto,
    base32,
  });
  if (!result.valid || !('timeStep' in result)) return { valid: false };
  return { valid: true, timeStep: result.timeStep, delta: result.delta };
}

/** The RFC 6238 time step (counter) that contains `now` (milliseconds). */
export function timeStepAt(now: number, period: number = TOTP_DEFAULT_PERIOD): number {
  return Math.floor(toEpochSeconds(now) / checkPeriod(period));
}

/** "JBSW Y3DP EHPK 3PXP": easier to type from a screen than one long run of characters. */
export function formatSecretForDisplay(secret: string): string {
  return (normalizeBase32(secret).match(/.{1,4}/g) ?? []).join(' ');
}

function cleanCode(input: unknown, digits: number): string | null {
  // The length cap bounds the work done on hostile input before the pattern test.
  if (typeof input !== 'string' || input.length > 64) return null;
  const code = input.replace(/[\s-]/g, '');
  return code.length === digits && /^[0-9]+$/.test(code) ? code : null;
}

function prepareSecret(secret: OtpSecret): OtpSecret {
  return typeof secret === 'string' ? normalizeBase32(secret) : secret;
}

function toEpochSeconds(now: number): number {
  if (!Number.isFinite(now) || now < 0)
    throw new RangeError('now must be a non-negative number of milliseconds');
  return Math.floor(now / 1000);
}

function toHashAlgorithm(algorithm: OtpAlgorithm = TOTP_DEFAULT_ALGORITHM): HashAlgorithm {
  // Own-property check: "toString" and friends must not pass as algorithms.
  if (!Object.hasOwn(ALGORITHMS, algorithm))
    throw new RangeError(`Unsupported OTP algorithm: ${String(algorithm)}`);
  return ALGORITHMS[algorithm];
}

function checkDigits(digits: number): OtpDigits {
  if (digits !== 6 && digits !== 7 && digits !== 8)
    throw new RangeError('OTP digits must be 6, 7 or 8');
  return digits;
}

function checkPeriod(period: number): number {
  if (!Number.isInteger(period) || period < 1 || period > 3600) {
    throw new RangeError('TOTP period must be an integer number of seconds between 1 and 3600');
  }
  return period;
}
