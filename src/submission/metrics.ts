/**
 * @module Submission counters per chain, as `GET /v1/chains/{chain}/submission-metrics` shows them. Two sources:
 * the accept path's counters (in isolate memory, flushed as deltas: see accept-counters.ts — a refused request
 * costs no write) and the relay counters, which the queue consumer updates read-modify-write in KV (exact: the
 * consumer runs alone, `max_concurrency = 1`).
 */
import { type AcceptCounts, readAcceptCounts } from "./accept-counters.ts";
import { metricsKey } from "./keys.ts";

/** What the queue consumer counts. */
export type RelayCounts = {
  submitted: number;
  /** Messages the chain already had (found on chain, or refused as duplicated). */
  duplicates: number;
  /** Babylon transactions that carried submissions, and how many messages they carried in total. */
  transactions: number;
  /** Messages per transaction → number of transactions. */
  batchSizes: Record<string, number>;
  /** Transactions (or simulations) the chain refused, and messages that failed for good. */
  txFailures: number;
  failed: number;
  retries: number;
  since: number;
};

/** Accept and relay counters together; `duplicates` counts both the edge's and the chain's. */
export type SubmissionMetrics = Omit<RelayCounts, "duplicates"> & AcceptCounts;

export const emptyRelayCounts = (now = Date.now()): RelayCounts => ({
  submitted: 0,
  duplicates: 0,
  transactions: 0,
  batchSizes: {},
  txFailures: 0,
  failed: 0,
  retries: 0,
  since: now,
});

async function getRelayCounts(kv: KVNamespace, chain: string): Promise<RelayCounts> {
  const text = await kv.get(metricsKey(chain), "text");
  if (text === null) return emptyRelayCounts();
  try {
    return { ...emptyRelayCounts(), ...(JSON.parse(text) as Partial<RelayCounts>) };
  } catch {
    return emptyRelayCounts();
  }
}

export async function getMetrics(kv: KVNamespace, chain: string): Promise<SubmissionMetrics> {
  const [relay, accept] = await Promise.all([getRelayCounts(kv, chain), readAcceptCounts(kv, chain)]);
  return { ...relay, ...accept, duplicates: relay.duplicates + accept.duplicates };
}

/** Applies `change` to the chain's relay counters. Never throws: metrics must not fail a submission. */
export async function updateRelayCounts(
  kv: KVNamespace,
  chain: string,
  change: (counts: RelayCounts) => void,
): Promise<void> {
  try {
    const counts = await getRelayCounts(kv, chain);
    change(counts);
    await kv.put(metricsKey(chain), JSON.stringify(counts));
  } catch (error) {
    console.warn(`metrics: update for ${chain} failed: ${error instanceof Error ? error.message : error}`);
  }
}
