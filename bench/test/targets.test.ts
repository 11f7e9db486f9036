import { describe, expect, it } from 'vitest';
import { evaluateTarget, formatNumber, invalidRun } from '../src/lib/targets.js';

const base = { id: 't', scenario: 's', description: 'req/s ÷ baseline' } as const;

describe('evaluateTarget', () => {
  it('passes at the threshold of an at-least target and fails below it', () => {
    expect(evaluateTarget({ ...base, comparator: '>=', threshold: 0.7, value: 0.7 }).pass).toBe(
      true,
    );
    const below = evaluateTarget({ ...base, comparator: '>=', threshold: 0.7, value: 0.69 });
    expect(below.pass).toBe(false);
    expect(below.reason).toBe('0.69 is not >= 0.70');
  });

  it('treats an under target as strict and an at-most target as inclusive', () => {
    expect(evaluateTarget({ ...base, comparator: '<', threshold: 20, value: 20 }).pass).toBe(false);
    expect(evaluateTarget({ ...base, comparator: '<', threshold: 20, value: 19.9 }).pass).toBe(
      true,
    );
    expect(evaluateTarget({ ...base, comparator: '<=', threshold: 3, value: 3 }).pass).toBe(true);
  });

  it('fails an invalid or missing measurement whatever its value', () => {
    const invalid = evaluateTarget({
      ...base,
      comparator: '>=',
      threshold: 0.1,
      value: 5,
      invalid: '3 non-2xx',
    });
    expect(invalid).toMatchObject({ pass: false, reason: '3 non-2xx' });
    expect(
      evaluateTarget({ ...base, comparator: '>=', threshold: 0.1, value: null }),
    ).toMatchObject({
      pass: false,
      reason: 'not measured',
    });
  });
});

describe('invalidRun', () => {
  it('names non-2xx answers by status, errors, timeouts and an exhausted supply', () => {
    expect(invalidRun({ non2xx: 0, errors: 0, statusCodes: { 200: 10 } })).toBeUndefined();
    expect(
      invalidRun({
        non2xx: 3,
        errors: 1,
        timeouts: 2,
        statusCodes: { 200: 10, 401: 2, 503: 1 },
        exhausted: true,
      }),
    ).toBe('3 non-2xx (2×401, 1×503), 1 errors, 2 timeouts, ran out of pre-created challenges');
  });
});

describe('formatNumber', () => {
  it('keeps about three significant figures', () => {
    expect(formatNumber(12345.6)).toBe('12346');
    expect(formatNumber(123.4)).toBe('123');
    expect(formatNumber(12.345)).toBe('12.3');
    expect(formatNumber(1.2345)).toBe('1.23');
    expect(formatNumber(0.01234)).toBe('0.012');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(null)).toBe('-');
  });
});
