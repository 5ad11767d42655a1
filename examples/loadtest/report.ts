/** @module The load test's numbers for people: the live line and the final report. */
import { percentile } from "../../bench/load/tally.ts";
import type { LoadtestReport } from "./run-loadtest.ts";
import type { Counts } from "./tracker.ts";

export type LatencySummary = {
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
};

export function summarize(latenciesMs: readonly number[]): LatencySummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const at = (p: number) => {
    const v = percentile(sorted, p);
    return v === null ? null : Math.round(v);
  };
  return { count: sorted.length, p50: at(50), p90: at(90), p99: at(99), max: at(100) };
}

export function formatProgress(elapsedMs: number, c: Counts): string {
  return (
    `t=${(elapsedMs / 1000).toFixed(0).padStart(3)}s  sent ${c.sent}  ` +
    `included ${c.included}  finalized ${c.finalized}  failed ${c.failed}  in flight ${c.inFlight}`
  );
}

const seconds = (ms: number | null) => (ms === null ? "-" : `${(ms / 1000).toFixed(2)} s`);
const row = (name: string, l: LatencySummary) =>
  `  ${name.padEnd(22)} p50 ${seconds(l.p50)}  p90 ${seconds(l.p90)}  p99 ${seconds(l.p99)}  max ${seconds(l.max)}  (n=${l.count})`;

export function formatReport(r: LoadtestReport): string {
  const o = r.options;
  const failures = Object.entries(r.failures).map(([reason, n]) => `    ${n} × ${reason}`);
  return [
    `Finality Edge loadtest: ${o.rate} tx/s × ${o.durationSec} s on ${o.chain} (${o.accounts} accounts) via ${o.rpc}, edge ${o.edge}`,
    `  sent ${r.sent} (${r.achievedRate.toFixed(1)}/s)  finalized ${r.finalized}  failed ${r.failed}  ` +
      `(included ${r.included}; ${(r.elapsedMs / 1000).toFixed(1)} s in all${r.deadlineHit ? ", HARD DEADLINE HIT" : ""})`,
    row("tx → BTC-finalized", r.latencyMs.finalized),
    row("tx → included", r.latencyMs.included),
    ...(failures.length > 0 ? ["  failures:", ...failures] : []),
  ].join("\n");
}
