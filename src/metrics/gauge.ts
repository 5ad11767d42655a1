/** @module A gauge: a value that goes up and down, set by the code that knows it. */
import { toGaugeValue } from "./check-value.ts";
import type { Collector, MetricFamily, MetricOptions } from "./family.ts";
import { pairLabels } from "./family.ts";
import type { LabelArgs, LabelValues } from "./labels.ts";
import { checkLabelNames } from "./names.ts";
import { SeriesMap } from "./series.ts";

/** One label set of a gauge, fetched once and kept by a hot path. */
export type GaugeChild = {
  set(value: number | bigint): void;
  inc(by?: number): void;
  dec(by?: number): void;
  readonly value: number;
};

export class Gauge<L extends string = never> implements Collector {
  readonly name: string;
  readonly help: string;
  readonly sampleNames: readonly string[];
  readonly #series: SeriesMap<{ value: number }>;

  /** Registered through `MetricsRegistry.gauge`, which has already checked the name. */
  constructor(options: MetricOptions<L>) {
    this.name = options.name;
    this.help = options.help;
    this.sampleNames = [options.name];
    const labelNames = checkLabelNames(options.name, options.labelNames);
    this.#series = new SeriesMap(options.name, labelNames, () => ({ value: 0 }));
    if (labelNames.length === 0) this.#series.get({});
  }

  labels(...args: LabelArgs<L>): GaugeChild {
    const state = this.#series.get(args[0]);
    const name = this.name;
    return {
      set(value) {
        state.value = toGaugeValue(name, value);
      },
      inc(by = 1) {
        state.value += toGaugeValue(name, by);
      },
      dec(by = 1) {
        state.value -= toGaugeValue(name, by);
      },
      get value() {
        return state.value;
      },
    };
  }

  set(labels: LabelValues<L>, value: number | bigint): void {
    this.#series.get(labels).value = toGaugeValue(this.name, value);
  }

  inc(labels: LabelValues<L>, by = 1): void {
    this.#series.get(labels).value += toGaugeValue(this.name, by);
  }

  dec(labels: LabelValues<L>, by = 1): void {
    this.#series.get(labels).value -= toGaugeValue(this.name, by);
  }

  collect(): MetricFamily {
    const names = this.#series.labelNames;
    const samples = [...this.#series.entries()].map(({ labelValues, state }) => ({
      name: this.name,
      labels: pairLabels(names, labelValues),
      value: state.value,
    }));
    return { name: this.name, help: this.help, type: "gauge", samples };
  }
}
