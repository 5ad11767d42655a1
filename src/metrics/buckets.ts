/** @module Histogram bucket bounds, fixed when the histogram is created. */
import { MetricsError } from "./errors.ts";

/**
 * Checks upper bounds: at least one, finite, strictly increasing. A trailing `+Inf` is accepted and dropped,
 * since every histogram writes its `+Inf` bucket anyway.
 */
export function checkBuckets(metric: string, buckets: readonly unknown[] | undefined): readonly number[] {
  const bounds = [...(buckets ?? [])];
  if (bounds.at(-1) === Number.POSITIVE_INFINITY) bounds.pop();
  const refuse = (details: string) =>
    new MetricsError("invalid_metric", metric, `Invalid buckets for ${metric}`, {
      field: "buckets",
      details,
    });
  if (bounds.length === 0) throw refuse("A histogram needs at least one finite bucket bound.");
  let previous = Number.NEGATIVE_INFINITY;
  for (const bound of bounds) {
    if (typeof bound !== "number" || !Number.isFinite(bound)) {
      throw refuse(`Bucket bounds are finite numbers; got ${String(bound)}.`);
    }
    if (bound <= previous) throw refuse(`Bucket bounds increase strictly; ${bound} follows ${previous}.`);
    previous = bound;
  }
  return Object.freeze(bounds as number[]);
}
