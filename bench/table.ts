/** One line of the benchmark table. `ok` is shown when the metric has a target. */
export interface BenchRow {
  readonly metric: string;
  readonly value: string;
  readonly target?: string;
  readonly ok?: boolean;
}

/** A benchmark section: named on the command line, returns its rows. */
export type BenchSection = (options: { readonly quick: boolean }) => Promise<BenchRow[]>;

export function formatTable(section: string, rows: readonly BenchRow[]): string {
  const header = { metric: 'metric', value: 'value', target: 'target', ok: '' };
  const lines = [
    header,
    ...rows.map((r) => ({
      metric: r.metric,
      value: r.value,
      target: r.target ?? '',
      ok: r.ok === undefined ? '' : r.ok ? 'ok' : 'MISSED',
    })),
  ];
  const width = (key: 'metric' | 'value' | 'target') =>
    Math.max(...lines.map((line) => line[key].length));
  const [m, v, t] = [width('metric'), width('value'), width('target')];
  const body = lines.map((line) =>
    `${line.metric.padEnd(m)}  ${line.value.padEnd(v)}  ${line.target.padEnd(t)}  ${line.ok}`.trimEnd(),
  );
  const rule = '-'.repeat(Math.max(...body.map((line) => line.length)));
  return [`== ${section}`, body[0], rule, ...body.slice(1), ''].join('\n');
}

export function formatNumber(value: number, digits = 0): string {
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}
