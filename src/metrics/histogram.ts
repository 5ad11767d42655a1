/** @module A histogram: observations counted into fixed buckets, written cumulatively with `_sum` and `_count`. */
import { checkBuckets } from "./buckets.ts";
import { toObservation } from "./check-value.ts";
import type { Collector, MetricFamily, MetricOptions, Sample } from "./family.ts";
import { pairLabels } from "./family.ts";
import { formatSampleValue } from "./format-value.ts";
import type { LabelArgs, LabelValues } from "./labels.ts";
import { checkLabelNames } from "./names.ts";
import { SeriesMap } from "./series.ts";

export type HistogramOptions<L extends string> = MetricOptions<L> & {
  /** Upper bounds (inclusive), strictly increasing; `+Inf` is implied. */
  readonly buckets: readonly number[];
};

/** One label set of a histogram, fetched once and kept by a hot path. */
export type HistogramChild = {
  observe(value: number): void;
  readonly count: number;
  readonly sum: number;
};

type HistogramState = {
  /** Observations per bucket, not cumulative; the last slot is the `+Inf` bucket. */
  readonly perBucket: number[];
  sum: number;
  count: number;
};

export class Histogram<L extends string = never> implements Collector {
  readonly name: string;
  readonly help: string;
  readonly sampleNames: readonly string[];
  readonly buckets: readonly number[];
  readonly #series: SeriesMap<HistogramState>;

  /** Registered through `MetricsRegistry.histogram`, which has already checked the name. */
  constructor(options: HistogramOptions<L>) {
    this.name = options.name;
    this.help = options.help;
    this.sampleNames = [
      options.name,
      `${options.name}_bucket`,
      `${options.name}_sum`,
      `${options.name}_count`,
    ];
    // `le` carries the bucket bound, so a histogram cannot also use it as one of its own labels.
    const labelNames = checkLabelNames(options.name, options.labelNames, ["le"]);
    this.buckets = checkBuckets(options.name, options.buckets);
    const slots = this.buckets.length + 1;
    this.#series = new SeriesMap(options.name, labelNames, () => ({
      perBucket: new Array<number>(slots).fill(0),
      sum: 0,
      count: 0,
    }));
    if (labelNames.length === 0) this.#series.get({});
  }

  labels(...args: LabelArgs<L>): HistogramChild {
    const state = this.#series.get(args[0]);
    const record = (value: number) => this.#record(state, value);
    return {
      observe: record,
      get count() {
        return state.count;
      },
      get sum() {
        return state.sum;
      },
    };
  }

  observe(labels: LabelValues<L>, value: number): void {
    this.#record(this.#series.get(labels), value);
  }

  #record(state: HistogramState, value: number): void {
    const checked = toObservation(this.name, value);
    // Bounds are inclusive upper bounds ("le"); past the last finite bound lies the +Inf bucket.
    let slot = this.buckets.findIndex((bound) => checked <= bound);
    if (slot === -1) slot = this.buckets.length;
    state.perBucket[slot] = (state.perBucket[slot] ?? 0) + 1;
    state.sum += checked;
    state.count += 1;
  }

  collect(): MetricFamily {
    const names = this.#series.labelNames;
    const samples: Sample[] = [];
    for (const { labelValues, state } of this.#series.entries()) {
      const labels = pairLabels(names, labelValues);
      let cumulative = 0;
      state.perBucket.forEach((observed, slot) => {
        cumulative += observed;
        const bound = this.buckets[slot] ?? Number.POSITIVE_INFINITY;
        samples.push({
          name: `${this.name}_bucket`,
          labels: [...labels, ["le", formatSampleValue(bound)]],
          value: cumulative,
        });
      });
      samples.push({ name: `${this.name}_sum`, labels, value: state.sum });
      samples.push({ name: `${this.name}_count`, labels, value: state.count });
    }
    return { name: this.name, help: this.help, type: "histogram", samples };
  }
}
