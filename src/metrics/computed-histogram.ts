/**
 * @module A histogram whose buckets are read at scrape time from a callback: for counts kept elsewhere (summed
 * from many processes' buckets), where there are no observations to replay into a {@link Histogram}.
 */
import { checkBuckets } from "./buckets.ts";
import { MetricsError } from "./errors.ts";
import type { Collector, MetricFamily, MetricOptions, Sample } from "./family.ts";
import { pairLabels } from "./family.ts";
import { formatSampleValue } from "./format-value.ts";
import { type LabelValues, orderLabelValues } from "./labels.ts";
import { checkLabelNames } from "./names.ts";

/** One series: counts per bucket (not cumulative; one more than the bounds, the last is +Inf), sum and count. */
export type HistogramReading<L extends string> = {
  readonly labels: LabelValues<L>;
  readonly perBucket: readonly number[];
  readonly sum: number;
};

export type ComputedHistogramOptions<L extends string> = MetricOptions<L> & {
  readonly buckets: readonly number[];
  /** Runs once per `render()`, synchronously. */
  readonly collect: () => Iterable<HistogramReading<L>>;
};

export class ComputedHistogram<L extends string = never> implements Collector {
  readonly name: string;
  readonly help: string;
  readonly sampleNames: readonly string[];
  readonly buckets: readonly number[];
  readonly #labelNames: readonly string[];
  readonly #read: () => Iterable<HistogramReading<L>>;

  constructor(options: ComputedHistogramOptions<L>) {
    this.name = options.name;
    this.help = options.help;
    this.sampleNames = [
      options.name,
      `${options.name}_bucket`,
      `${options.name}_sum`,
      `${options.name}_count`,
    ];
    this.#labelNames = checkLabelNames(options.name, options.labelNames, ["le"]);
    this.buckets = checkBuckets(options.name, options.buckets);
    if (typeof options.collect !== "function") {
      throw new MetricsError("invalid_metric", options.name, `collect of ${options.name} is not a function`, {
        field: "collect",
      });
    }
    this.#read = options.collect;
  }

  collect(): MetricFamily {
    const samples: Sample[] = [];
    try {
      for (const reading of this.#read()) {
        const labels = pairLabels(
          this.#labelNames,
          orderLabelValues(this.name, this.#labelNames, reading.labels),
        );
        if (reading.perBucket.length !== this.buckets.length + 1) {
          throw new Error(`${reading.perBucket.length} bucket counts for ${this.buckets.length + 1} buckets`);
        }
        let cumulative = 0;
        reading.perBucket.forEach((n, slot) => {
          if (!Number.isFinite(n) || n < 0) throw new Error(`bucket count ${n} is not a count`);
          cumulative += n;
          samples.push({
            name: `${this.name}_bucket`,
            labels: [...labels, ["le", formatSampleValue(this.buckets[slot] ?? Number.POSITIVE_INFINITY)]],
            value: cumulative,
          });
        });
        samples.push({ name: `${this.name}_sum`, labels, value: reading.sum });
        samples.push({ name: `${this.name}_count`, labels, value: cumulative });
      }
    } catch (cause) {
      throw new MetricsError("metric_collect_failed", this.name, `Collecting ${this.name} failed`, {
        details: cause instanceof Error ? cause.message : String(cause),
        cause,
      });
    }
    return { name: this.name, help: this.help, type: "histogram", samples };
  }
}
