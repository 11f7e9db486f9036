/** Small, dependency-free statistics used by the harness and its report. */

/** The value at percentile `p` (0..100) of ascending `sorted`, nearest-rank; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (p <= 0) return sorted[0]!;
  if (p >= 100) return sorted[sorted.length - 1]!;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
  };
}

/** `value / base`, or null when either side is missing or the base is not positive. */
export function ratio(value: number | null | undefined, base: number | null | undefined) {
  if (value == null || base == null || !Number.isFinite(value) || !Number.isFinite(base)) {
    return null;
  }
  return base > 0 ? value / base : null;
}

/** VmRSS in KiB from the text of /proc/<pid>/status, or null when absent (a zombie). */
export function parseVmRssKiB(status: string): number | null {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return match ? Number(match[1]) : null;
}
