/** @module Prometheus metrics that run anywhere (Node and workerd): a registry and its text exposition. */
export type { ComputedMetric, ComputedOptions } from "./computed.ts";
export type { ComputedHistogram, ComputedHistogramOptions, HistogramReading } from "./computed-histogram.ts";
export type { Counter, CounterChild } from "./counter.ts";
export { MetricsError, type MetricsErrorCode } from "./errors.ts";
export { PROMETHEUS_CONTENT_TYPE, renderFamilies } from "./exposition.ts";
export type { Collector, MetricFamily, MetricOptions, MetricType, Sample } from "./family.ts";
export { formatSampleValue } from "./format-value.ts";
export type { Gauge, GaugeChild } from "./gauge.ts";
export type { Histogram, HistogramChild, HistogramOptions } from "./histogram.ts";
export type { LabelArgs, LabelValues, Reading } from "./labels.ts";
export { MetricsRegistry } from "./registry.ts";
