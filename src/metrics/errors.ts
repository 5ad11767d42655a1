/** @module Typed errors of the metrics registry. */
import { BaseError, type BaseErrorOptions } from "../errors/base.ts";

/** Why the registry refused something. */
export type MetricsErrorCode =
  /** A name, label name, bucket list or registration the exposition format cannot carry. */
  | "invalid_metric"
  /** A labels object that does not match the metric's declared label names. */
  | "invalid_metric_labels"
  /** A value the metric type cannot take (a counter going down, a NaN observation). */
  | "invalid_metric_value"
  /** A scrape-time `collect` callback threw or returned something unusable. */
  | "metric_collect_failed";

/** Every metrics failure names the metric it is about, so a bad call site is found from the message alone. */
export class MetricsError extends BaseError {
  override name = "MetricsError";
  declare readonly code: MetricsErrorCode;
  readonly metric: string;

  constructor(code: MetricsErrorCode, metric: string, shortMessage: string, options: BaseErrorOptions = {}) {
    super(code, shortMessage, options);
    this.metric = metric;
  }
}
