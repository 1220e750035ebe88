/**
 * Repeated measurements and their summary: median with min and max, plus the formatting the
 * report tables share.
 */

/** The summary of repeated samples of one figure. */
export interface Sample {
  median: number;
  min: number;
  max: number;
  /** Number of samples behind the summary. */
  count: number;
}

export function summarize(values: readonly number[]): Sample {
  if (values.length === 0) throw new RangeError('summarize needs at least one value');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], count: sorted.length };
}

/** Runs `work` `runs` times (after `warmUps` untimed calls) and summarizes the milliseconds. */
export async function timeRuns(runs: number, work: () => unknown, warmUps = 1): Promise<Sample> {
  for (let i = 0; i < warmUps; i++) await work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return summarize(times);
}

/** Converts a time sample for `operations` operations into a rate sample in operations/s. */
export function toRate(operations: number, milliseconds: Sample): Sample {
  const rate = (ms: number) => operations / (ms / 1000);
  // The fastest run gives the highest rate, so min and max swap.
  return {
    median: rate(milliseconds.median),
    min: rate(milliseconds.max),
    max: rate(milliseconds.min),
    count: milliseconds.count,
  };
}

/** Formats a number with two or three significant digits, or grouped thousands from 1,000 on. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en');
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  // Cached query executions take microseconds, so small values keep two significant digits.
  if (value !== 0 && Math.abs(value) < 0.1) return value.toPrecision(2);
  return value.toFixed(2);
}

/** "median (min–max)"; the spread is left out for a single sample. */
export function formatSample(sample: Sample | undefined): string {
  if (sample === undefined) return '—';
  const median = formatNumber(sample.median);
  if (sample.count < 2) return median;
  return `${median} (${formatNumber(sample.min)}–${formatNumber(sample.max)})`;
}

/**
 * Computes the 7T/peer ratio as a speed-up, so above 1 means 7T is faster. For rates it is
 * ours over theirs, for times theirs over ours.
 */
export function speedup(ours: number, theirs: number, higherIsBetter: boolean): number {
  return higherIsBetter ? ours / theirs : theirs / ours;
}

export function formatRatio(ratio: number | undefined): string {
  if (ratio === undefined || !Number.isFinite(ratio)) return '—';
  return `${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(2)}×`;
}
