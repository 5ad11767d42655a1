/**
 * @module A counter or gauge whose values are read at scrape time from a callback, so a program exposes live
 * state (voting power, last voted height, counts kept elsewhere) without pushing every change into the registry.
 */
import { toGaugeValue } from "./check-value.ts";
import { MetricsError } from "./errors.ts";
import type { Collector, MetricFamily, MetricOptions, Sample } from "./family.ts";
import { pairLabels } from "./family.ts";
import { orderLabelValues, type Reading } from "./labels.ts";
import { checkLabelNames } from "./names.ts";

export type ComputedOptions<L extends string> = MetricOptions<L> & {
  /**
   * Runs once per `render()`, synchronously: read what is already in memory (an async source is read
   * before rendering). Each label set at most once.
   */
  readonly collect: () => Iterable<Reading<L>>;
};

export class ComputedMetric<L extends string = never> implements Collector {
  readonly name: string;
  readonly help: string;
  readonly type: "counter" | "gauge";
  readonly sampleNames: readonly string[];
  readonly #labelNames: readonly string[];
  readonly #read: () => Iterable<Reading<L>>;

  /** Registered through `MetricsRegistry.counter` / `.gauge` with a `collect` option. */
  constructor(type: "counter" | "gauge", options: ComputedOptions<L>) {
    this.name = options.name;
    this.help = options.help;
    this.type = type;
    this.sampleNames = [options.name];
    this.#labelNames = checkLabelNames(options.name, options.labelNames);
    if (typeof options.collect !== "function") {
      throw new MetricsError("invalid_metric", options.name, `collect of ${options.name} is not a function`, {
        field: "collect",
      });
    }
    this.#read = options.collect;
  }

  collect(): MetricFamily {
    let readings: Reading<L>[];
    try {
      readings = [...this.#read()];
    } catch (cause) {
      throw new MetricsError("metric_collect_failed", this.name, `Collecting ${this.name} failed`, {
        details: cause instanceof Error ? cause.message : String(cause),
        cause,
      });
    }
    const seen = new Set<string>();
    const samples: Sample[] = readings.map((reading) => {
      try {
        const labelValues = orderLabelValues(this.name, this.#labelNames, reading?.labels);
        const key = JSON.stringify(labelValues);
        if (seen.has(key)) throw new Error(`Label set ${key} was read twice.`);
        seen.add(key);
        return {
          name: this.name,
          labels: pairLabels(this.#labelNames, labelValues),
          value: toGaugeValue(this.name, reading?.value),
        };
      } catch (cause) {
        // A bad reading is the callback's fault, not the caller of render(): say which metric produced it.
        throw new MetricsError(
          "metric_collect_failed",
          this.name,
          `${this.name} collected an unusable reading`,
          {
            details: cause instanceof Error ? cause.message : String(cause),
            cause,
          },
        );
      }
    });
    return { name: this.name, help: this.help, type: this.type, samples };
  }
}
