/**
 * Figures for the benchmark report: percentiles, a figure row (a measurement next to the
 * baseline measured in the same run, as a ratio), and the table printed at the end.
 */

export interface Figure {
  /** Section, e.g. "chat overhead". */
  group: string;
  name: string;
  unit: 'ms' | 'MB' | 'bytes' | 'count' | 'ratio';
  value: number;
  /** What the value is compared with, measured in the same run (null: none applies). */
  baseline: number | null;
  baselineLabel: string;
  target?: string;
  /** Whether the value meets the target (undefined: no target). */
  met?: boolean;
  note?: string;
}

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  // Nearest rank: the smallest sample with at least p% of samples at or below it.
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function quantiles(samples: number[]): { p50: number; p95: number; p99: number; n: number } {
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), p99: percentile(samples, 99), n: samples.length };
}

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

export function ratio(figure: Figure): number | null {
  if (figure.baseline === null || figure.baseline === 0) return null;
  return figure.value / figure.baseline;
}

/** A plain-text table, one line per figure. */
export function formatTable(figures: Figure[]): string {
  const rows = figures.map((f) => {
    const r = ratio(f);
    return [
      f.group,
      f.name,
      `${round(f.value)} ${f.unit}`,
      f.baseline === null ? '—' : `${round(f.baseline)} ${f.unit} (${f.baselineLabel})`,
      r === null ? '—' : `×${round(r)}`,
      f.target ? `${f.target} ${f.met === undefined ? '' : f.met ? 'met' : 'MISSED'}` : '',
    ];
  });
  const header = ['section', 'figure', 'value', 'baseline (same run)', 'ratio', 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' │ ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...rows.map(line)].join('\n');
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const now = () => performance.timeOrigin + performance.now();
/**
 * The machine's CLOCK_MONOTONIC in ms, as the fake provider writes it into `/stamp` chunks:
 * libuv's uv_hrtime (https://nodejs.org/api/process.html#processhrtimebigint) reads
 * clock_gettime(CLOCK_MONOTONIC), a single system-wide clock with ns resolution that is never
 * stepped, so a stamp taken in one process can be subtracted in another on the same machine.
 * `performance.timeOrigin + performance.now()` is per process: the wall clock sampled at that
 * process's start plus monotonic time since, so two processes disagree by however much the wall
 * clock was stepped between their starts; Date.now() has 1 ms resolution, too coarse for a 5 ms target.
 */
export const monotonicNow = () => Number(process.hrtime.bigint()) / 1e6;
