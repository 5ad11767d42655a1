/** @module The per-label-set state of one metric, kept in first-use order so output is stable. */
import { orderLabelValues } from "./labels.ts";

export type SeriesEntry<S> = { readonly labelValues: readonly string[]; readonly state: S };

export class SeriesMap<S> {
  readonly #entries = new Map<string, SeriesEntry<S>>();

  constructor(
    private readonly metric: string,
    readonly labelNames: readonly string[],
    private readonly create: () => S,
  ) {}

  /** The state for `labels`, created on first use (a fetched child is exported from then on, at zero). */
  get(labels: unknown): S {
    const labelValues = orderLabelValues(this.metric, this.labelNames, labels);
    // JSON of the ordered values is unambiguous whatever characters the values contain.
    const key = JSON.stringify(labelValues);
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = { labelValues, state: this.create() };
      this.#entries.set(key, entry);
    }
    return entry.state;
  }

  entries(): IterableIterator<SeriesEntry<S>> {
    return this.#entries.values();
  }
}
