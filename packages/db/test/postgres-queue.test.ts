/**
 * postgres.js keeps its pool's connections in small queues (open, busy, full...). The version we
 * use is patched (patches/postgres@3.4.9.patch): unpatched, a queue that never empties grew by
 * one hole per query and every removal scanned them all, so a pool under steady load slowed
 * down the longer it ran. These tests drive the pool's own queue module.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

interface Queue<T> {
  readonly length: number;
  push(item: T): T;
  shift(): T | undefined;
  remove(item: T): T | null;
}

// The queue is internal to postgres.js (not in its exports map): load it beside the entry point.
const queueModule = new URL('./queue.js', import.meta.resolve('postgres'));
const { default: Queue } = (await import(queueModule.href)) as {
  default: <T>(initial?: T[]) => Queue<T>;
};

afterEach(() => {
  vi.restoreAllMocks();
});

/** What each `indexOf` call on the queue's array had to look at: the array and the start. */
function watchIndexOf() {
  const calls: { arrayLength: number; from: number }[] = [];
  const original = Array.prototype.indexOf;
  vi.spyOn(Array.prototype, 'indexOf').mockImplementation(function (
    this: unknown[],
    item: unknown,
    from?: number,
  ) {
    calls.push({ arrayLength: this.length, from: from ?? 0 });
    return original.call(this, item, from);
  });
  return calls;
}

describe("postgres.js's connection queue", () => {
  it('is first in, first out, and removes an item from anywhere in it', () => {
    const queue = Queue<string>();
    for (const item of ['a', 'b', 'c', 'd']) queue.push(item);
    expect(queue.shift()).toBe('a');
    expect(queue.remove('c')).toBe('c');
    expect(queue.remove('a')).toBeNull();
    expect(queue.length).toBe(2);
    expect([queue.shift(), queue.shift(), queue.shift()]).toEqual(['b', 'd', undefined]);
    expect(queue.length).toBe(0);
  });

  it('does not grow or slow down when it never empties (every connection busy)', () => {
    const busy = Queue<object>();
    const connections = [{}, {}];
    for (const connection of connections) busy.push(connection);
    // The pool's steady state under load: take the next busy connection, give it a query, put
    // it back at the end (move() first tries to remove it from the queue it was taken from).
    // 10,000 queries, and the queue never runs empty.
    let misses = 0;
    for (let query = 0; query < 10_000; query++) {
      const next = busy.shift()!;
      if (busy.remove(next) === null) misses++;
      busy.push(next);
    }
    expect(misses).toBe(10_000);
    expect(busy.length).toBe(2);

    const calls = watchIndexOf();
    const removed = busy.remove(connections[0]!);
    const missing = busy.remove({});
    vi.restoreAllMocks();
    expect(removed).toBe(connections[0]);
    expect(missing).toBeNull();
    expect(calls).toHaveLength(2);
    for (const { arrayLength, from } of calls) {
      // Only the live part is searched, and the holes left by shift() were dropped.
      expect(arrayLength - from).toBeLessThanOrEqual(2);
      expect(arrayLength).toBeLessThan(2 * 1024 + 2);
    }
    expect(busy.shift()).toBe(connections[1]);
    expect(busy.length).toBe(0);
  });
});
