import type { Figures } from './report.js';
import { ratio } from './stats.js';

/**
 * Two sides of a comparison measured in alternating rounds (a, b, a, b...), so slow drift of a
 * shared machine (another tenant, the host) weighs on both alike instead of on whichever ran
 * second. Each side's figures are those of its median round, and a target compares the two
 * median rounds; the per-round ratios go into the report's details.
 */
export async function alternate<A, B>(
  rounds: number,
  a: (round: number) => Promise<A>,
  b: (round: number) => Promise<B>,
): Promise<{ a: A[]; b: B[] }> {
  const result: { a: A[]; b: B[] } = { a: [], b: [] };
  for (let round = 0; round < rounds; round++) {
    result.a.push(await a(round));
    result.b.push(await b(round));
  }
  return result;
}

/** The run with the median req/s (the lower middle one of an even count); runs without a rate rank first. */
export function medianRun<T extends { figures: Figures }>(runs: readonly T[]): T {
  if (runs.length === 0) throw new Error('medianRun: no runs');
  const sorted = [...runs].sort(
    (x, y) => (x.figures.reqPerSec ?? -1) - (y.figures.reqPerSec ?? -1),
  );
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** b's req/s over a's, round by round; null when a round of either side has no rate. */
export function roundRatios(
  a: readonly { figures: Figures }[],
  b: readonly { figures: Figures }[],
): number[] | null {
  const ratios = a.map((run, i) => ratio(b[i]?.figures.reqPerSec, run.figures.reqPerSec));
  return ratios.length > 0 && ratios.every((value) => value !== null) ? (ratios as number[]) : null;
}

/** The first round's reason not to count, as "round 2: ...", or undefined when all count. */
export function invalidRound(runs: readonly { invalid: string | undefined }[]): string | undefined {
  const index = runs.findIndex((run) => run.invalid !== undefined);
  return index < 0 ? undefined : `round ${index + 1}: ${runs[index]!.invalid}`;
}

/** Req/s of each round, for the report's details. */
export const roundRates = (runs: readonly { figures: Figures }[]) =>
  runs.map((run) => run.figures.reqPerSec);
