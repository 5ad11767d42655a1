/** @module The numbers metrics accept, refused at the call that passed them rather than at scrape time. */
import { MetricsError } from "./errors.ts";

/** A gauge value: any number (NaN included: "unknown" is a legitimate gauge reading) or a bigint height. */
export function toGaugeValue(metric: string, value: unknown): number {
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "number") return value;
  throw new MetricsError("invalid_metric_value", metric, `${metric} takes a number`, {
    details: `Got ${typeof value}.`,
  });
}

/** A counter increment: finite and not negative, since counters only go up. */
export function toCounterIncrement(metric: string, by: unknown): number {
  if (typeof by === "number" && Number.isFinite(by) && by >= 0) return by;
  throw new MetricsError(
    "invalid_metric_value",
    metric,
    `${metric} can only be increased by a finite amount ≥ 0`,
    {
      details: `Got ${String(by)}.`,
    },
  );
}

/** A histogram observation: NaN is refused, since it would turn `_sum` into NaN for good. */
export function toObservation(metric: string, value: unknown): number {
  if (typeof value === "number" && !Number.isNaN(value)) return value;
  throw new MetricsError("invalid_metric_value", metric, `${metric} observes numbers (not NaN)`, {
    details: `Got ${String(value)}.`,
  });
}
