import { describe, expect, it } from 'vitest';
import { alternate, invalidRound, medianRun, roundRates, roundRatios } from '../src/lib/rounds.js';

const run = (reqPerSec: number | null, invalid?: string) => ({
  figures: { reqPerSec, p50Ms: 1, p99Ms: 2, rssMiB: 3 },
  invalid,
});

describe('alternate', () => {
  it('runs the two sides in turn, round by round', async () => {
    const order: string[] = [];
    const result = await alternate(
      3,
      async (round) => (order.push(`a${round}`), round),
      async (round) => (order.push(`b${round}`), 10 + round),
    );
    expect(order).toEqual(['a0', 'b0', 'a1', 'b1', 'a2', 'b2']);
    expect(result).toEqual({ a: [0, 1, 2], b: [10, 11, 12] });
  });
});

describe('medianRun', () => {
  it('picks the run with the median rate, the lower middle one of an even count', () => {
    expect(medianRun([run(30), run(10), run(20)]).figures.reqPerSec).toBe(20);
    expect(medianRun([run(40), run(10), run(30), run(20)]).figures.reqPerSec).toBe(20);
    expect(medianRun([run(null), run(5), run(7)]).figures.reqPerSec).toBe(5);
    expect(() => medianRun([])).toThrow(/no runs/);
  });
});

describe('roundRatios', () => {
  it('divides round by round, and gives null when a round has no rate', () => {
    const ratios = roundRatios([run(100), run(200)], [run(80), run(150)]);
    expect(ratios?.[0]).toBeCloseTo(0.8);
    expect(ratios?.[1]).toBeCloseTo(0.75);
    expect(roundRatios([run(100), run(null)], [run(80), run(150)])).toBeNull();
    expect(roundRatios([], [])).toBeNull();
  });
});

describe('invalidRound', () => {
  it('names the first round that does not count', () => {
    expect(invalidRound([run(1), run(2)])).toBeUndefined();
    expect(invalidRound([run(1), run(2, '3 non-2xx'), run(3, 'errors')])).toBe(
      'round 2: 3 non-2xx',
    );
  });
});

describe('roundRates', () => {
  it('lists the rate of each round', () => {
    expect(roundRates([run(1), run(null), run(3)])).toEqual([1, null, 3]);
  });
});
