import { describe, expect, it } from 'vitest';
import { ReportBuilder, type Report } from '../src/lib/report.js';
import { formatTable } from '../src/lib/table.js';

function sampleReport(): Report {
  const builder = new ReportBuilder();
  builder.addLoad({
    id: 'baseline',
    label: 'baseline: bare fastify',
    figures: { reqPerSec: 10_000, p50Ms: 9, p99Ms: 20, rssMiB: 60 },
    baseline: true,
  });
  const session = builder.addLoad({
    id: 'session',
    label: 'session read (API)',
    figures: { reqPerSec: 2_500, p50Ms: 38, p99Ms: 60, rssMiB: 120 },
    cpu: { server: 88.4, loadGenerator: 33, postgres: null, other: 4 },
  });
  builder.addTarget({
    id: 'session-vs-baseline',
    scenario: session.id,
    description: 'req/s ÷ baseline',
    comparator: '>=',
    threshold: 0.3,
    value: 0.25,
  });
  builder.addTarget({
    id: 'session-p99',
    scenario: session.id,
    description: 'p99 at 100 connections',
    comparator: '<',
    threshold: 20,
    unit: ' ms',
    value: 60,
  });
  const queries = builder.addValue({
    id: 'totp-queries',
    label: 'TOTP verify: queries/request',
    value: 2.5,
    unit: 'queries',
    note: '+2.00 begin/commit',
  });
  builder.addTarget({
    id: 'totp-queries',
    scenario: queries.id,
    description: 'queries per verify',
    comparator: '<=',
    threshold: 3,
    value: 2.5,
  });
  builder.note('something worth knowing');
  return {
    timestamp: '2025-01-01T00:00:00.000Z',
    machine: {
      cpus: 2,
      cpuModel: 'Test CPU',
      memoryMiB: 4096,
      node: 'v20.20.2',
      platform: 'linux',
      release: '6.1',
      loadAverage: 0.05,
    },
    settings: { durationS: 10, warmupS: 3 },
    rows: builder.rows,
    targets: builder.targets,
    notes: builder.notes,
    harnessSeconds: 123.4,
  };
}

describe('ReportBuilder', () => {
  it('gives every figure of a load row as a ratio to the baseline', () => {
    const report = sampleReport();
    const session = report.rows.find((row) => row.id === 'session');
    expect(session).toMatchObject({
      kind: 'load',
      ratios: { reqPerSec: 0.25, p50Ms: 38 / 9, p99Ms: 3, rssMiB: 2 },
    });
  });
});

describe('formatTable', () => {
  const text = formatTable(sampleReport());
  const lines = text.split('\n');

  it('heads the table with the machine and settings', () => {
    expect(lines[0]).toContain('2025-01-01T00:00:00.000Z');
    expect(text).toContain(
      'machine: 2 × Test CPU, 4096 MiB, Node v20.20.2, linux 6.1, load average 0.05 before the run',
    );
    expect(text).toContain('settings: durationS=10 warmupS=3');
  });

  it('prints figures, the ratio and each target with its verdict, one target per line', () => {
    const header = lines.find((line) => line.startsWith('scenario'))!;
    expect(header).toMatch(
      /req\/s\s+p50 ms\s+p99 ms\s+RSS MiB\s+ratio\s+target\s+measured\s+result/,
    );
    const session = lines.findIndex((line) => line.startsWith('session read (API)'));
    expect(lines[session]).toMatch(
      /2500\s+38\.0\s+60\.0\s+120\s+0\.25\s+req\/s ÷ baseline ≥ 0\.30\s+0\.25\s+FAIL/,
    );
    expect(lines[session + 1]).toMatch(/^\s+p99 at 100 connections < 20 ms\s+60\.0 ms\s+FAIL$/);
    expect(lines.find((line) => line.startsWith('baseline'))).toMatch(
      /10000\s+9\.00\s+20\.0\s+60\.0\s+1\.00$/,
    );
  });

  it('keeps the columns aligned for value rows', () => {
    const header = lines.find((line) => line.startsWith('scenario'))!;
    const row = lines.find((line) => line.startsWith('TOTP verify: queries/request'))!;
    expect(row).toContain('2.50 queries (+2.00 begin/commit)');
    expect(row.indexOf('queries per verify')).toBe(header.indexOf('target'));
    expect(row).toMatch(/PASS$/);
  });

  it('shows where the CPU went in each run that measured it', () => {
    const at = lines.findIndex((line) => line.startsWith('CPU during each measured run'));
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toMatch(/server\s+load\s+pg\s+other$/);
    expect(lines[at + 2]).toMatch(/^session read \(API\)\s+88\s+33\s+-\s+4$/);
  });

  it('lists the failed targets and the notes', () => {
    expect(text).toContain('targets: 1 PASS, 2 FAIL');
    expect(text).toContain('FAIL session-p99: 60.0 ms is not < 20 ms');
    expect(text).toContain('- something worth knowing');
    expect(text).toContain('every figure as a ratio to the baseline');
  });
});
