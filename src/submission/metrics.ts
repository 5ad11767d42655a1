/**
 * @module Submission counters per chain, as `GET /v1/chains/{chain}/submission-metrics` shows them. The chain's
 * coordinator keeps them exactly (one SQLite row per counter, changed in the same transaction as what they
 * count): accepted, duplicates and equivocations when it accepts; the relay counters when the queue consumer
 * reports outcomes. Refusals are counted in isolate memory and handed over in batches (refusal-counters.ts).
 */

/** What the queue consumer counts. */
export type RelayCounts = {
  submitted: number;
  /** Messages the chain already had (found on chain, or refused as duplicated). */
  duplicates: number;
  /** Babylon transactions that carried submissions. */
  transactions: number;
  /** Messages per transaction → number of transactions. */
  batchSizes: Record<string, number>;
  /** Gas used by those transactions. */
  gasUsed: number;
  /** Transactions (or simulations) the chain refused, and messages that failed for good. */
  txFailures: number;
  failed: number;
  retries: number;
  since: number;
};

/** A consumer run's additions: counter name → amount (`batch.<size>` for the batch-size histogram). */
export type RelayDelta = Partial<
  Record<
    "submitted" | "duplicates" | "transactions" | "gasUsed" | "txFailures" | "failed" | "retries",
    number
  >
> &
  Record<`batch.${number}`, number>;

export type AcceptCounts = {
  accepted: { commit: number; vote: number };
  duplicates: number;
  equivocations: number;
  /** Refusals by rule code. */
  refused: Record<string, number>;
};

/** Accept and relay counters together; `duplicates` counts both the edge's and the chain's. */
export type SubmissionMetrics = Omit<RelayCounts, "duplicates"> & AcceptCounts;

/** The coordinator's counter names for a relay delta (`relay.` prefix keeps them apart from accept counters). */
export const relayCounterName = (name: string) => `relay.${name}`;
export const refusedCounterName = (code: string) => `refused.${code}`;

/** The metrics from the coordinator's counters (plus refusals this isolate has not handed over yet). */
export function metricsFromCounters(
  counters: Readonly<Record<string, number>>,
  extraRefused: Readonly<Record<string, number>> = {},
): SubmissionMetrics {
  const n = (name: string) => counters[name] ?? 0;
  const batchSizes: Record<string, number> = {};
  const refused: Record<string, number> = {};
  for (const [name, value] of Object.entries(counters)) {
    if (name.startsWith("relay.batch.")) batchSizes[name.slice("relay.batch.".length)] = value;
    if (name.startsWith("refused.")) refused[name.slice("refused.".length)] = value;
  }
  for (const [code, value] of Object.entries(extraRefused)) refused[code] = (refused[code] ?? 0) + value;
  return {
    accepted: { commit: n("accepted.commit"), vote: n("accepted.vote") },
    duplicates: n("accept.duplicates") + n(relayCounterName("duplicates")),
    equivocations: n("equivocations"),
    refused,
    submitted: n(relayCounterName("submitted")),
    transactions: n(relayCounterName("transactions")),
    gasUsed: n(relayCounterName("gasUsed")),
    batchSizes,
    txFailures: n(relayCounterName("txFailures")),
    failed: n(relayCounterName("failed")),
    retries: n(relayCounterName("retries")),
    since: n("since"),
  };
}
