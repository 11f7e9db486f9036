import { describe, expect, it } from 'vitest';
import { defaultPoolSize } from '@twofold/db';
import { readSettings, roundWarmup, totpSupply } from '../src/lib/settings.js';

describe('readSettings', () => {
  it('has defaults for a full run', () => {
    expect(readSettings({})).toMatchObject({
      durationS: 10,
      warmupS: 3,
      connections: 100,
      sessions: 200,
      signInConcurrency: 8,
      rounds: 3,
      skipColdStart: false,
    });
  });

  it('warms up fully before the first round of a comparison and briefly before later ones', () => {
    const settings = readSettings({ BENCH_WARMUP: '3', BENCH_ROUNDS: '5' });
    expect(settings.rounds).toBe(5);
    expect([0, 1, 4].map((round) => roundWarmup(settings, round))).toEqual([3, 1, 1]);
    expect(roundWarmup(readSettings({ BENCH_WARMUP: '0' }), 2)).toBe(0);
    expect(() => readSettings({ BENCH_ROUNDS: '0' })).toThrow(/BENCH_ROUNDS/);
  });

  it('reads a quick smoke run from the environment and refuses nonsense', () => {
    expect(readSettings({ BENCH_DURATION: '2', BENCH_WARMUP: '0.5' })).toMatchObject({
      durationS: 2,
      warmupS: 0.5,
    });
    expect(() => readSettings({ BENCH_DURATION: 'ten' })).toThrow(/BENCH_DURATION/);
    expect(() => readSettings({ BENCH_CONNECTIONS: '0' })).toThrow(/BENCH_CONNECTIONS/);
  });

  it('gives the API and the raw route the same pool: the API default unless DATABASE_POOL_SIZE says', () => {
    expect(readSettings({}).poolSize).toBe(defaultPoolSize());
    expect(readSettings({ DATABASE_POOL_SIZE: '6' }).poolSize).toBe(6);
    expect(() => readSettings({ DATABASE_POOL_SIZE: '0' })).toThrow(/DATABASE_POOL_SIZE/);
  });

  it('selects scenarios by id', () => {
    expect(readSettings({}).only).toBeNull();
    expect(readSettings({ BENCH_ONLY: 'baseline, totp' }).only).toEqual(['baseline', 'totp']);
    expect(() => readSettings({ BENCH_ONLY: 'baseline,nope' })).toThrow(/unknown scenario nope/);
  });
});

describe('totpSupply', () => {
  it("covers the warm-up's rate over the run, at least two per connection", () => {
    expect(totpSupply(125.4, 10, 100)).toBe(1631);
    expect(totpSupply(5, 10, 100)).toBe(200);
    expect(totpSupply(0, 10, 100)).toBe(200);
  });
});
