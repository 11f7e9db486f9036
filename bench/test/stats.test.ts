import { describe, expect, it } from 'vitest';
import { parseVmRssKiB, percentile, ratio, summarize } from '../src/lib/stats.js';

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
  });

  it('is NaN without samples', () => {
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('summarize', () => {
  it('sorts before ranking and keeps the input intact', () => {
    const samples = [5, 1, 4, 2, 3];
    expect(summarize(samples)).toEqual({ count: 5, p50: 3, p99: 5, max: 5 });
    expect(samples).toEqual([5, 1, 4, 2, 3]);
  });
});

describe('ratio', () => {
  it('divides, or gives null when a side is missing or the base is not positive', () => {
    expect(ratio(35, 100)).toBeCloseTo(0.35);
    expect(ratio(null, 100)).toBeNull();
    expect(ratio(1, undefined)).toBeNull();
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(Number.NaN, 1)).toBeNull();
  });
});

describe('parseVmRssKiB', () => {
  it('reads VmRSS from /proc/<pid>/status', () => {
    const status = 'Name:\tnode\nVmPeak:\t 1234 kB\nVmRSS:\t   98765 kB\nThreads:\t11\n';
    expect(parseVmRssKiB(status)).toBe(98765);
    expect(parseVmRssKiB('Name:\tzombie\nState:\tZ (zombie)\n')).toBeNull();
  });
});
