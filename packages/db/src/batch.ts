/**
 * Captured at load, so a test that fakes the global timers cannot hold a batch back forever.
 */
const afterThisRound = setImmediate;

interface Waiter<V> {
  resolve(value: V | undefined): void;
  reject(error: unknown): void;
}

type Batch<K, V> = Map<K, Waiter<V>[]>;

/**
 * Coalesces lookups by key. Every key asked for while the event loop handles one round of I/O
 * (all the requests that arrived together) is answered by one call of `load`, made once that
 * round is over; a batch that reaches `maxKeys` keys goes at once. Each caller still gets an
 * answer read from the database after it asked: nothing is cached between batches.
 *
 * `load` answers the rows it found by key; a key it did not find resolves to undefined, and a
 * failed `load` rejects every caller of that batch.
 */
export function batchLookups<K, V>(
  load: (keys: K[]) => Promise<Map<K, V>>,
  maxKeys: number,
): (key: K) => Promise<V | undefined> {
  if (!Number.isInteger(maxKeys) || maxKeys < 1) {
    throw new RangeError(`maxKeys must be a positive integer, got ${maxKeys}`);
  }
  let open: Batch<K, V> | null = null;

  function run(batch: Batch<K, V>) {
    let answer: Promise<Map<K, V>>;
    try {
      answer = load([...batch.keys()]);
    } catch (error) {
      answer = Promise.reject(error);
    }
    answer.then(
      (found) => {
        for (const [key, waiters] of batch) {
          const value = found.get(key);
          for (const waiter of waiters) waiter.resolve(value);
        }
      },
      (error: unknown) => {
        for (const waiters of batch.values()) {
          for (const waiter of waiters) waiter.reject(error);
        }
      },
    );
  }

  return (key) =>
    new Promise<V | undefined>((resolve, reject) => {
      let batch = open;
      if (!batch) {
        const fresh: Batch<K, V> = new Map();
        open = batch = fresh;
        afterThisRound(() => {
          // Already gone when it filled up before the round ended.
          if (open !== fresh) return;
          open = null;
          run(fresh);
        });
      }
      const waiters = batch.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else batch.set(key, [{ resolve, reject }]);
      if (batch.size >= maxKeys) {
        open = null;
        run(batch);
      }
    });
}
