/** @module The load test (examples/loadtest) for a short while against a running stack: every tx BTC-finalized. */
import { expect } from "vitest";
import { formatReport } from "../../examples/loadtest/report.ts";
import { runLoadtest } from "../../examples/loadtest/run-loadtest.ts";

export async function checkLoadtest(o: {
  edge: string;
  rpc: string;
  chain: string;
  log: (line: string) => void;
}) {
  const report = await runLoadtest({
    edge: o.edge,
    rpc: o.rpc,
    chain: o.chain,
    rate: 5,
    durationSec: 10,
    waitTimeoutSec: 60,
    log: o.log,
  });
  o.log(formatReport(report));
  expect(report.sent).toBe(50);
  expect(report.failures).toEqual({});
  expect(report.failed).toBe(0);
  expect(report.finalized).toBe(report.sent);
  expect(report.deadlineHit).toBe(false);
  const { finalized, included } = report.latencyMs;
  expect(finalized.count).toBe(report.sent);
  for (const v of [finalized.p50, finalized.p90, finalized.p99, finalized.max]) expect(v).toBeGreaterThan(0);
  expect(included.p50).not.toBeNull();
  expect(finalized.p50 as number).toBeGreaterThanOrEqual(included.p50 as number);
  return report;
}
