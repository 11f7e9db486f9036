import { describe, expect, it } from 'vitest';
import { batchLookups } from '../src/batch.js';

/** A loader that records each call's keys and answers `value-<key>` for keys not in `missing`. */
function recordingLoader(missing: string[] = []) {
  const calls: string[][] = [];
  const load = async (keys: string[]) => {
    calls.push(keys);
    return new Map(
      keys.filter((key) => !missing.includes(key)).map((key) => [key, `value-${key}`]),
    );
  };
  return { calls, load };
}

describe('batchLookups', () => {
  it('answers the lookups of one round of the event loop with one load', async () => {
    const { calls, load } = recordingLoader(['c']);
    const lookup = batchLookups(load, 100);
    const answers = await Promise.all([lookup('a'), lookup('b'), lookup('c'), lookup('a')]);
    expect(answers).toEqual(['value-a', 'value-b', undefined, 'value-a']);
    expect(calls).toEqual([['a', 'b', 'c']]);
  });

  it('starts a new batch for lookups made after the previous one went out', async () => {
    const { calls, load } = recordingLoader();
    const lookup = batchLookups(load, 100);
    expect(await lookup('a')).toBe('value-a');
    expect(await lookup('a')).toBe('value-a');
    expect(calls).toEqual([['a'], ['a']]);
  });

  it('sends a batch as soon as it holds maxKeys keys', async () => {
    const { calls, load } = recordingLoader();
    const lookup = batchLookups(load, 2);
    const first = lookup('a');
    lookup('a');
    expect(calls).toEqual([]);
    lookup('b');
    expect(calls).toEqual([['a', 'b']]);
    const rest = [lookup('c'), lookup('d'), lookup('e')];
    expect(calls).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(await first).toBe('value-a');
    expect(await Promise.all(rest)).toEqual(['value-c', 'value-d', 'value-e']);
    expect(calls).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('rejects every caller of a batch whose load failed, and only those', async () => {
    let fail = true;
    const lookup = batchLookups(async (keys: string[]) => {
      if (fail) throw new Error('database down');
      return new Map(keys.map((key) => [key, key]));
    }, 100);
    const failed = [lookup('a'), lookup('b')];
    for (const answer of failed) await expect(answer).rejects.toThrow('database down');
    fail = false;
    expect(await lookup('a')).toBe('a');
  });

  it('rejects the callers when the loader throws before returning a promise', async () => {
    const lookup = batchLookups<string, string>(() => {
      throw new Error('bad statement');
    }, 100);
    await expect(lookup('a')).rejects.toThrow('bad statement');
  });

  it('refuses a batch size that is not a positive integer', () => {
    const { load } = recordingLoader();
    expect(() => batchLookups(load, 0)).toThrow(RangeError);
    expect(() => batchLookups(load, 1.5)).toThrow(RangeError);
  });
});
