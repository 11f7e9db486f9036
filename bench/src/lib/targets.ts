/** Targets are thresholds on one measured figure: evaluated here, printed by the table. */

export type Comparator = '>=' | '<' | '<=';

export interface TargetSpec {
  id: string;
  /** The scenario row it belongs to. */
  scenario: string;
  /** What is compared, e.g. "req/s ÷ baseline req/s". */
  description: string;
  comparator: Comparator;
  threshold: number;
  /** The measured figure; null when it could not be measured. */
  value: number | null;
  /** Why the measurement cannot count (non-2xx answers, errors, a missing run); forces FAIL. */
  invalid?: string;
  unit?: string;
}

export interface TargetResult extends TargetSpec {
  pass: boolean;
  /** Why it failed, when it did. */
  reason: string | null;
}

export function compare(value: number, comparator: Comparator, threshold: number): boolean {
  switch (comparator) {
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
  }
}

export function evaluateTarget(spec: TargetSpec): TargetResult {
  if (spec.invalid) return { ...spec, pass: false, reason: spec.invalid };
  if (spec.value === null || !Number.isFinite(spec.value)) {
    return { ...spec, pass: false, reason: 'not measured' };
  }
  const pass = compare(spec.value, spec.comparator, spec.threshold);
  return {
    ...spec,
    pass,
    reason: pass
      ? null
      : `${formatNumber(spec.value)}${spec.unit ?? ''} is not ${spec.comparator} ${formatThreshold(spec.threshold)}${spec.unit ?? ''}`,
  };
}

/** A run whose measured phase saw any non-2xx answer or client error does not count. */
export function invalidRun(counts: {
  non2xx: number;
  errors: number;
  timeouts?: number;
  statusCodes?: Record<string, number>;
  exhausted?: boolean;
}): string | undefined {
  const problems: string[] = [];
  if (counts.non2xx > 0) {
    const codes = Object.entries(counts.statusCodes ?? {})
      .filter(([code]) => !code.startsWith('2'))
      .map(([code, count]) => `${count}×${code}`)
      .join(', ');
    problems.push(`${counts.non2xx} non-2xx${codes ? ` (${codes})` : ''}`);
  }
  if (counts.errors > 0) problems.push(`${counts.errors} errors`);
  if (counts.timeouts) problems.push(`${counts.timeouts} timeouts`);
  if (counts.exhausted) problems.push('ran out of pre-created challenges');
  return problems.length ? problems.join(', ') : undefined;
}

/** Three significant figures at most, no exponent: 0.0123, 1.23, 12.3, 1234. */
export function formatNumber(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return '-';
  const abs = Math.abs(value);
  if (abs >= 100) return Math.round(value).toString();
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  if (abs === 0) return '0';
  return value.toPrecision(2);
}

/** Thresholds as written in the issue: whole numbers plain, fractions with two decimals. */
export function formatThreshold(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}
