import type { Report, Row, ScenarioRow } from './report.js';
import { formatNumber, formatThreshold, type TargetResult } from './targets.js';

const COMPARATOR_TEXT = { '>=': '≥', '<': '<', '<=': '≤' } as const;

interface Column {
  title: string;
  width: number;
  align: 'left' | 'right';
}

const COLUMNS: Column[] = [
  { title: 'scenario', width: 36, align: 'left' },
  { title: 'req/s', width: 8, align: 'right' },
  { title: 'p50 ms', width: 8, align: 'right' },
  { title: 'p99 ms', width: 8, align: 'right' },
  { title: 'RSS MiB', width: 8, align: 'right' },
  { title: 'ratio', width: 6, align: 'right' },
  { title: 'target', width: 34, align: 'left' },
  { title: 'measured', width: 9, align: 'right' },
  { title: 'result', width: 6, align: 'left' },
];

function pad(text: string, column: Column): string {
  const room = Math.max(0, column.width - [...text].length);
  return column.align === 'left' ? text + ' '.repeat(room) : ' '.repeat(room) + text;
}

function line(cells: string[]): string {
  return cells
    .map((cell, i) => pad(cell, COLUMNS[i]!))
    .join('  ')
    .trimEnd();
}

export function targetText(target: TargetResult): string {
  return `${target.description} ${COMPARATOR_TEXT[target.comparator]} ${formatThreshold(target.threshold)}${target.unit ?? ''}`;
}

function targetCells(target: TargetResult | undefined): string[] {
  if (!target) return ['', '', ''];
  return [
    targetText(target),
    target.value === null ? '-' : `${formatNumber(target.value)}${target.unit ?? ''}`,
    target.pass ? 'PASS' : 'FAIL',
  ];
}

function figureCells(row: ScenarioRow): string[] {
  const { figures, ratios } = row;
  return [
    formatNumber(figures.reqPerSec),
    formatNumber(figures.p50Ms),
    formatNumber(figures.p99Ms),
    formatNumber(figures.rssMiB),
    ratios.reqPerSec === null ? '-' : ratios.reqPerSec.toFixed(2),
  ];
}

/** Width of the five figure columns together, where a value row writes its text. */
const SPAN = COLUMNS.slice(1, 6).reduce((sum, column) => sum + column.width + 2, -2);

function valueLine(label: string, text: string, target: string[]): string {
  const clipped = [...text].length > SPAN ? `${[...text].slice(0, SPAN - 1).join('')}…` : text;
  const tail = target.map((cell, i) => pad(cell, COLUMNS[6 + i]!)).join('  ');
  return `${pad(label, COLUMNS[0]!)}  ${clipped.padEnd(SPAN)}  ${tail}`.trimEnd();
}

function rowLines(row: Row, targets: TargetResult[]): string[] {
  const own = targets.filter((target) => target.scenario === row.id);
  const lines =
    row.kind === 'load'
      ? [line([row.label, ...figureCells(row), ...targetCells(own[0])])]
      : [
          valueLine(
            row.label,
            `${formatNumber(row.value)} ${row.unit}${row.note ? ` (${row.note})` : ''}`,
            own[0] ? targetCells(own[0]) : ['informational', '', ''],
          ),
        ];
  for (const target of own.slice(1)) {
    lines.push(line(['', '', '', '', '', '', ...targetCells(target)]));
  }
  return lines;
}

/** The report as the plain-text table the harness prints. */
export function formatTable(report: Report): string {
  const header = line(COLUMNS.map((column) => column.title));
  const out = [
    `Twofold bench  ${report.timestamp}`,
    `machine: ${report.machine.cpus} × ${report.machine.cpuModel}, ${report.machine.memoryMiB} MiB, Node ${report.machine.node}, ${report.machine.platform} ${report.machine.release}, load average ${report.machine.loadAverage.toFixed(2)} before the run`,
    `settings: ${Object.entries(report.settings)
      .map(([name, value]) => `${name}=${value}`)
      .join(' ')}`,
    '',
    header,
    '-'.repeat(header.length),
  ];
  for (const row of report.rows) out.push(...rowLines(row, report.targets));

  const loads = report.rows.filter((row): row is ScenarioRow => row.kind === 'load');
  if (loads.length > 0) {
    out.push('', 'every figure as a ratio to the baseline (bare Fastify):');
    out.push(
      `${'scenario'.padEnd(36)}  ${['req/s', 'p50', 'p99', 'RSS'].map((t) => t.padStart(6)).join('  ')}`,
    );
    for (const row of loads) {
      const cells = [
        row.ratios.reqPerSec,
        row.ratios.p50Ms,
        row.ratios.p99Ms,
        row.ratios.rssMiB,
      ].map((value) => (value === null ? '-' : value.toFixed(2)).padStart(6));
      out.push(`${row.label.padEnd(36)}  ${cells.join('  ')}`);
    }
  }

  const withCpu = loads.filter((row) => row.cpu);
  if (withCpu.length > 0) {
    out.push('', 'CPU during each measured run, % of one core:');
    out.push(
      `${'scenario'.padEnd(36)}  ${['server', 'load', 'pg', 'other'].map((t) => t.padStart(6)).join('  ')}`,
    );
    for (const row of withCpu) {
      const { server, loadGenerator, postgres, other } = row.cpu!;
      const cells = [server, loadGenerator, postgres, other].map((value) =>
        (value == null ? '-' : String(Math.round(value))).padStart(6),
      );
      out.push(`${row.label.padEnd(36)}  ${cells.join('  ')}`);
    }
  }

  const failed = report.targets.filter((target) => !target.pass);
  const passed = report.targets.length - failed.length;
  out.push('', `targets: ${passed} PASS, ${failed.length} FAIL`);
  for (const target of failed) {
    out.push(`  FAIL ${target.id}: ${target.reason ?? ''}`);
  }
  if (report.notes.length > 0) {
    out.push('', 'notes:');
    for (const note of report.notes) out.push(`  - ${note}`);
  }
  out.push('', `harness time: ${formatNumber(report.harnessSeconds)} s`);
  return out.join('\n');
}
