/**
 * @module Submission counters per chain, as `GET /v1/chains/{chain}/submissions-metrics` shows them. Updated
 * read-modify-write in KV: exact while one writer at a time touches a chain (the queue consumer runs alone),
 * approximate for concurrent accepts. Production deployments would put these in Analytics Engine.
 */
import { metricsKey } from "./keys.ts";

export type SubmissionMetrics = {
  accepted: { commit: number; vote: number };
  duplicates: number;
  equivocations: number;
  /** Refusals by rule code. */
  refused: Record<string, number>;
  submitted: number;
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

export const emptyMetrics = (now = Date.now()): SubmissionMetrics => ({
  accepted: { commit: 0, vote: 0 },
  duplicates: 0,
  equivocations: 0,
  refused: {},
  submitted: 0,
  transactions: 0,
  batchSizes: {},
  txFailures: 0,
  failed: 0,
  retries: 0,
  since: now,
});

export async function getMetrics(kv: KVNamespace, chain: string): Promise<SubmissionMetrics> {
  const text = await kv.get(metricsKey(chain), "text");
  if (text === null) return emptyMetrics();
  try {
    return { ...emptyMetrics(), ...(JSON.parse(text) as Partial<SubmissionMetrics>) };
  } catch {
    return emptyMetrics();
  }
}

/** Applies `change` to the chain's counters. Never throws: metrics must not fail a submission. */
export async function updateMetrics(
  kv: KVNamespace,
  chain: string,
  change: (metrics: SubmissionMetrics) => void,
): Promise<void> {
  try {
    const metrics = await getMetrics(kv, chain);
    change(metrics);
    await kv.put(metricsKey(chain), JSON.stringify(metrics));
  } catch (error) {
    console.warn(`metrics: update for ${chain} failed: ${error instanceof Error ? error.message : error}`);
  }
}
