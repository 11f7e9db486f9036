import type { ApiProcess } from './api-process.js';

/** The p-th percentile (0-100) of `values`, nearest rank; NaN when empty. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** How many answers had each HTTP status (or `error` for no answer), e.g. `200:812 429:3`. */
export class StatusHistogram {
  readonly counts = new Map<string, number>();

  add(status: number | 'error') {
    const key = String(status);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  count(predicate: (status: string) => boolean): number {
    let total = 0;
    for (const [status, n] of this.counts) if (predicate(status)) total += n;
    return total;
  }

  toString(): string {
    return [...this.counts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([status, n]) => `${status}:${n}`)
      .join(' ');
  }
}

export interface RssSampler {
  /** KiB, one sample per interval, in order. */
  samples: number[];
  stop(): number[];
}

/** Samples the API process's RSS every `intervalMs` until stopped. */
export function sampleRss(api: ApiProcess, intervalMs = 1_000): RssSampler {
  const samples = [api.rssKiB()];
  const timer = setInterval(() => samples.push(api.rssKiB()), intervalMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      samples.push(api.rssKiB());
      return samples;
    },
  };
}

/** Runs `task` over `items` with at most `limit` in flight. */
export async function mapLimit<T, R>(
  items: T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** One summary line in the suite's output, prefixed `[resilience]` so CI logs can be grepped. */
export function report(line: string) {
  // stderr: the lint rules keep console.log out of the code base.
  console.warn(`[resilience] ${line}`);
}
