/** @module The submission counters (`submission-metrics`): what FPs sent through the edge and how it went. */
import { h } from "./dom.ts";
import { formatInt, formatTime } from "./format.ts";
import type { SubmissionMetrics } from "./types.ts";

/** "25 × 3, 10 × 1": busiest first. */
function breakdown(counts: Record<string, number>, separator: string): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return entries.length > 0 ? entries.map(([k, n]) => `${k}${separator}${formatInt(n)}`).join(", ") : "none";
}

export function renderCounters(list: HTMLElement, m: SubmissionMetrics): void {
  const refused = Object.values(m.refused).reduce((sum, n) => sum + n, 0);
  const rows: [string, string][] = [
    ["Votes accepted", formatInt(m.accepted.vote)],
    ["Commitments accepted", formatInt(m.accepted.commit)],
    ["Duplicates", formatInt(m.duplicates)],
    ["Equivocations", formatInt(m.equivocations)],
    ["Refused", refused > 0 ? `${formatInt(refused)} (${breakdown(m.refused, ": ")})` : "0"],
    ["Submitted on-chain", formatInt(m.submitted)],
    ["Transactions", formatInt(m.transactions)],
    ["Batch sizes (messages × transactions)", breakdown(m.batchSizes, " × ")],
    ["Transaction failures", formatInt(m.txFailures)],
    ["Failed", formatInt(m.failed)],
    ["Retries", formatInt(m.retries)],
    ["Counting since", formatTime(m.since)],
  ];
  list.replaceChildren(...rows.map(([label, value]) => h("div", {}, h("dt", {}, label), h("dd", {}, value))));
}
