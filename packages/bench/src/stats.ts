/** Small statistics helpers of the benchmarks. */

/** The `p` quantile (0..1) of `values` by the nearest-rank method; NaN for none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

export const median = (values: number[]) => percentile(values, 0.5);

/** Median with the spread (min and max) of a series, e.g. one ratio over rounds. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(values: number[]): Spread {
  return {
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

/** `1.23 (1.10–1.31)` */
export function formatSpread(s: Spread, digits = 2): string {
  return `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(
    digits,
  )})`;
}
