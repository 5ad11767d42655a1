/** @module Label values: the typed shape callers pass, and the declared order samples are written in. */
import { MetricsError } from "./errors.ts";

/** One value per declared label name. */
export type LabelValues<L extends string> = { readonly [K in L]: string };

/** `labels()` needs an object when the metric declares label names, and nothing when it declares none. */
export type LabelArgs<L extends string> = [L] extends [never]
  ? [labels?: LabelValues<never>]
  : [labels: LabelValues<L>];

/** A scrape-time reading of a computed metric: `labels` may be left out when the metric has none. */
export type Reading<L extends string> = [L] extends [never]
  ? { readonly labels?: LabelValues<never>; readonly value: number | bigint }
  : { readonly labels: LabelValues<L>; readonly value: number | bigint };

/**
 * Returns the label values in declared order. Missing, extra and non-string values are refused: a typo in a
 * label name would otherwise silently start a new series.
 */
export function orderLabelValues(metric: string, names: readonly string[], labels: unknown): string[] {
  const given = labels ?? {};
  const refuse = (details: string) =>
    new MetricsError("invalid_metric_labels", metric, `Labels do not match ${metric}`, {
      field: "labels",
      details: `${details} Declared: [${names.join(", ")}].`,
    });
  if (typeof given !== "object" || Array.isArray(given)) throw refuse("Labels are an object.");
  const record = given as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!names.includes(key)) throw refuse(`Unknown label "${key}".`);
  }
  return names.map((name) => {
    const value = record[name];
    if (typeof value !== "string") throw refuse(`Label "${name}" needs a string value.`);
    return value;
  });
}
