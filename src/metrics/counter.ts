/** @module A counter: a value that only goes up (resets happen only when the process restarts). */
import { toCounterIncrement } from "./check-value.ts";
import type { Collector, MetricFamily, MetricOptions } from "./family.ts";
import { pairLabels } from "./family.ts";
import type { LabelArgs, LabelValues } from "./labels.ts";
import { checkLabelNames } from "./names.ts";
import { SeriesMap } from "./series.ts";

/** One label set of a counter, fetched once and kept by a hot path. */
export type CounterChild = {
  inc(by?: number): void;
  readonly value: number;
};

export class Counter<L extends string = never> implements Collector {
  readonly name: string;
  readonly help: string;
  readonly sampleNames: readonly string[];
  readonly #series: SeriesMap<{ value: number }>;

  /** Registered through `MetricsRegistry.counter`, which has already checked the name. */
  constructor(options: MetricOptions<L>) {
    this.name = options.name;
    this.help = options.help;
    this.sampleNames = [options.name];
    const labelNames = checkLabelNames(options.name, options.labelNames);
    this.#series = new SeriesMap(options.name, labelNames, () => ({ value: 0 }));
    // A counter without labels has exactly one series: export it from the start, at 0.
    if (labelNames.length === 0) this.#series.get({});
  }

  labels(...args: LabelArgs<L>): CounterChild {
    const state = this.#series.get(args[0]);
    const name = this.name;
    return {
      inc(by = 1) {
        state.value += toCounterIncrement(name, by);
      },
      get value() {
        return state.value;
      },
    };
  }

  inc(labels: LabelValues<L>, by = 1): void {
    const state = this.#series.get(labels);
    state.value += toCounterIncrement(this.name, by);
  }

  collect(): MetricFamily {
    const names = this.#series.labelNames;
    const samples = [...this.#series.entries()].map(({ labelValues, state }) => ({
      name: this.name,
      labels: pairLabels(names, labelValues),
      value: state.value,
    }));
    return { name: this.name, help: this.help, type: "counter", samples };
  }
}
