/** @module The set of metrics one program exposes, and its scrape answer. */
import { ComputedMetric, type ComputedOptions } from "./computed.ts";
import { ComputedHistogram, type ComputedHistogramOptions } from "./computed-histogram.ts";
import { Counter } from "./counter.ts";
import { MetricsError } from "./errors.ts";
import { renderFamilies } from "./exposition.ts";
import type { Collector, MetricOptions } from "./family.ts";
import { Gauge } from "./gauge.ts";
import { Histogram, type HistogramOptions } from "./histogram.ts";
import { assertMetricName } from "./names.ts";

/** Options without `collect`: the metric is updated by the program (`inc`, `set`, `observe`). */
type PushedOptions<L extends string> = MetricOptions<L> & { readonly collect?: undefined };

export class MetricsRegistry {
  readonly #collectors: Collector[] = [];
  /** Family and sample names in use: a gauge `x_count` would otherwise collide with histogram `x`. */
  readonly #namesInUse = new Set<string>();

  counter<const L extends string = never>(options: ComputedOptions<L>): ComputedMetric<L>;
  counter<const L extends string = never>(options: PushedOptions<L>): Counter<L>;
  counter<const L extends string>(
    options: PushedOptions<L> | ComputedOptions<L>,
  ): Counter<L> | ComputedMetric<L> {
    this.#checkDefinition(options);
    const metric = options.collect
      ? new ComputedMetric<L>("counter", options as ComputedOptions<L>)
      : new Counter<L>(options);
    return this.#add(metric);
  }

  gauge<const L extends string = never>(options: ComputedOptions<L>): ComputedMetric<L>;
  gauge<const L extends string = never>(options: PushedOptions<L>): Gauge<L>;
  gauge<const L extends string>(
    options: PushedOptions<L> | ComputedOptions<L>,
  ): Gauge<L> | ComputedMetric<L> {
    this.#checkDefinition(options);
    const metric = options.collect
      ? new ComputedMetric<L>("gauge", options as ComputedOptions<L>)
      : new Gauge<L>(options);
    return this.#add(metric);
  }

  histogram<const L extends string = never>(options: ComputedHistogramOptions<L>): ComputedHistogram<L>;
  histogram<const L extends string = never>(options: HistogramOptions<L>): Histogram<L>;
  histogram<const L extends string>(
    options: HistogramOptions<L> | ComputedHistogramOptions<L>,
  ): Histogram<L> | ComputedHistogram<L> {
    this.#checkDefinition(options);
    return this.#add(
      typeof (options as { collect?: unknown }).collect === "function"
        ? new ComputedHistogram<L>(options as ComputedHistogramOptions<L>)
        : new Histogram<L>(options as HistogramOptions<L>),
    );
  }

  /** The scrape answer, with computed metrics read now. Throws `metric_collect_failed` if one cannot be. */
  render(): string {
    return renderFamilies(this.#collectors.map((collector) => collector.collect()));
  }

  #checkDefinition(options: MetricOptions<string>): void {
    assertMetricName(options?.name);
    if (typeof options.help !== "string") {
      throw new MetricsError("invalid_metric", options.name, `${options.name} needs a help text`, {
        field: "help",
      });
    }
  }

  #add<C extends Collector>(collector: C): C {
    const taken = collector.sampleNames.filter((name) => this.#namesInUse.has(name));
    if (taken.length > 0) {
      throw new MetricsError("invalid_metric", collector.name, `${collector.name} is already registered`, {
        field: "name",
        details: `Sample names in use: ${taken.join(", ")}.`,
      });
    }
    for (const name of collector.sampleNames) this.#namesInUse.add(name);
    this.#collectors.push(collector);
    return collector;
  }
}
