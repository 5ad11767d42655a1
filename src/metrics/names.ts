/** @module Metric and label names as the Prometheus data model allows them, checked once at registration. */
import { MetricsError } from "./errors.ts";

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
/** Label names may not contain colons (those are reserved for recording rules in metric names). */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function assertMetricName(name: unknown): asserts name is string {
  if (typeof name !== "string" || !METRIC_NAME.test(name)) {
    throw new MetricsError("invalid_metric", String(name), `Invalid metric name ${JSON.stringify(name)}`, {
      field: "name",
      details: "A metric name matches [a-zA-Z_:][a-zA-Z0-9_:]*.",
    });
  }
}

/**
 * Checks a metric's label names: valid, not `__`-prefixed (reserved for Prometheus itself), no duplicates,
 * and none of `reserved` (a histogram's `le`). Returns a frozen copy, so later edits to the caller's array
 * cannot change the metric.
 */
export function checkLabelNames(
  metric: string,
  labelNames: readonly unknown[] | undefined,
  reserved: readonly string[] = [],
): readonly string[] {
  const names = [...(labelNames ?? [])];
  const seen = new Set<string>();
  for (const label of names) {
    const refuse = (why: string) =>
      new MetricsError("invalid_metric", metric, `Invalid label name ${JSON.stringify(label)} on ${metric}`, {
        field: "labelNames",
        details: why,
      });
    if (typeof label !== "string" || !LABEL_NAME.test(label)) {
      throw refuse("A label name matches [a-zA-Z_][a-zA-Z0-9_]*.");
    }
    if (label.startsWith("__")) throw refuse("Label names starting with __ are reserved.");
    if (reserved.includes(label)) throw refuse(`"${label}" is reserved for this metric type.`);
    if (seen.has(label)) throw refuse("Each label name may appear once.");
    seen.add(label);
  }
  return Object.freeze(names as string[]);
}
