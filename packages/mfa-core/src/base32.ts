import { ScureBase32Plugin } from 'otplib';

// The same codec otplib uses to decode secrets, so an encoded secret always round-trips.
const codec = new ScureBase32Plugin();

/** RFC 4648 base32 (upper case, no padding), the form authenticator apps expect. */
export function encodeBase32(bytes: Uint8Array): string {
  return codec.encode(bytes, { padding: false });
}

/** Decodes RFC 4648 base32; accepts lower case, spaces and missing padding. Throws on bad input. */
export function decodeBase32(value: string): Uint8Array {
  return codec.decode(normalizeBase32(value));
}

/** Upper-cases and strips whitespace and padding, so displayed or pasted secrets still work. */
export function normalizeBase32(value: string): string {
  return value.replace(/[\s=]/g, '').toUpperCase();
}
