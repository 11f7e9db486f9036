import { describe, expect, it } from 'vitest';
import { maskEmail } from '../src/index.js';

describe('maskEmail', () => {
  it('keeps the first character of the local part and the whole domain', () => {
    expect(maskEmail('alice@example.com')).toBe('a•••@example.com');
    expect(maskEmail('a@example.com')).toBe('a•••@example.com');
  });

  it('hides how long the local part is', () => {
    expect(maskEmail('bo@example.com')).toBe(maskEmail('bartholomew@example.com'));
  });

  it('splits at the last @ and keeps a non-BMP first character whole', () => {
    expect(maskEmail('"a@b"@example.com')).toBe('"•••@example.com');
    expect(maskEmail('😀x@example.com')).toBe('😀•••@example.com');
  });

  it('never echoes something that is not an address', () => {
    expect(maskEmail('no-at-sign')).toBe('•••');
    expect(maskEmail('@example.com')).toBe('•••');
  });
});
