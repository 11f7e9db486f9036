import { describe, expect, it } from 'vitest';
import { MAX_CONSECUTIVE_FAILURES, MFA_MAX_DELAY_SECONDS, mfaThrottle } from '../src/index.js';

describe('mfaThrottle', () => {
  it('allows the first four failures without delay', () => {
    for (const failures of [0, 1, 2, 3, 4])
      expect(mfaThrottle(failures)).toEqual({ delaySeconds: 0, locked: false });
  });

  it.each([
    [5, 1],
    [6, 2],
    [7, 4],
    [10, 32],
    [14, 512],
  ])('backs off exponentially: %i failures -> %i s', (failures, delaySeconds) => {
    expect(mfaThrottle(failures)).toEqual({ delaySeconds, locked: false });
  });

  it('caps the delay at 15 minutes', () => {
    expect(MFA_MAX_DELAY_SECONDS).toBe(900);
    expect(mfaThrottle(15)).toEqual({ delaySeconds: 900, locked: false });
    expect(mfaThrottle(50)).toEqual({ delaySeconds: 900, locked: false });
  });

  it('locks at 100 consecutive failures, not before', () => {
    expect(MAX_CONSECUTIVE_FAILURES).toBe(100);
    expect(mfaThrottle(99)).toEqual({ delaySeconds: 900, locked: false });
    expect(mfaThrottle(100)).toEqual({ delaySeconds: 900, locked: true });
    expect(mfaThrottle(1000)).toMatchObject({ locked: true });
  });

  it.each([-1, 1.5, Number.NaN])('refuses %s', (failures) => {
    expect(() => mfaThrottle(failures)).toThrow(RangeError);
  });
});
