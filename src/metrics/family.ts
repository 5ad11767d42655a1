/** @module What every metric hands the exposition writer at scrape time. */

export type MetricType = "counter" | "gauge" | "histogram";

/** One sample line. `name` is the family name plus a suffix (`_bucket`, `_sum`, `_count`) where the type has one. */
export type Sample = {
  readonly name: string;
  /** Label name/value pairs in output order. */
  readonly labels: readonly (readonly [string, string])[];
  readonly value: number;
};

export type MetricFamily = {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly samples: readonly Sample[];
};

/** Anything the registry can scrape. */
export interface Collector {
  readonly name: string;
  /** Every sample name this collector writes, so the registry can refuse two metrics that would collide. */
  readonly sampleNames: readonly string[];
  collect(): MetricFamily;
}

/** Pairs declared label names with one series' values. */
export function pairLabels(
  names: readonly string[],
  values: readonly string[],
): (readonly [string, string])[] {
  return names.map((name, i) => [name, values[i] ?? ""] as const);
}

/** What every metric is declared with. `labelNames` fixes the label set for the metric's lifetime. */
export type MetricOptions<L extends string> = {
  readonly name: string;
  readonly help: string;
  readonly labelNames?: readonly L[];
};
