/**
 * Event-stream benchmark: `npm run bench:events`. Starts the local stack (1 s L2 blocks, 4 FPs per chain, no cron:
 * the coordinators' alarms and the landed votes move the tip), waits until chain A has caught up, then, in one run:
 *  - opens BENCH_EVENTS_SUBSCRIBERS (200) SSE subscribers to `/v1/chains/{chain}/events` and counts what each
 *    receives for BENCH_EVENTS_SECONDS (60) — every subscriber must see every height, in order, once;
 *  - measures, per height, the delay from the L2 block's timestamp (whole seconds, so up to 1 s early) and from
 *    the moment a 100 ms poller first saw the block at the node's head, to its `finalized` event.
 * Prints median and p90 of both delays, and events/s delivered in total and per subscriber against the chain's
 * block rate (1.00 = every subscriber keeps up). Bounded by a deadline; the stack is stopped by pid / group.
 */

import { createSseParser } from "../sdk/src/events/sse-parser.ts";
import { createL2Client } from "../src/l2/index.ts";
import { withBenchStack } from "./support/bench-stack.ts";
import { quantile, sleep } from "./support/stats.ts";

const SUBSCRIBERS = Number(process.env.BENCH_EVENTS_SUBSCRIBERS ?? 200);
const SECONDS = Number(process.env.BENCH_EVENTS_SECONDS ?? 60);
const CHAIN = "edge-devnet-l2";
const DEADLINE_MS = 360_000 + SECONDS * 1000;

const say = (line: string) => console.log(`[bench:events] ${line}`);

type Seen = { heights: number[]; bytes: number };

/** One subscriber: records every finalized height it gets (and when, for the first one). */
async function subscribe(
  url: string,
  from: number,
  seen: Seen,
  signal: AbortSignal,
  onFinalized?: (data: { number: number; timestamp: number }, at: number) => void,
): Promise<void> {
  const res = await fetch(`${url}/v1/chains/${CHAIN}/events?from=${from}`, {
    headers: { accept: "text/event-stream" },
    signal,
  });
  if (!res.ok || !res.body) throw new Error(`subscribe: HTTP ${res.status}`);
  const parser = createSseParser({
    onMessage(message) {
      if (message.type !== "finalized") return;
      const data = JSON.parse(message.data) as { number: number; timestamp: number };
      seen.heights.push(data.number);
      onFinalized?.(data, Date.now());
    },
  });
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      seen.bytes += value.length;
      parser.push(value);
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}

await withBenchStack(
  "events",
  { extra: ["--cron-seconds", "0"], deadlineMs: DEADLINE_MS, say },
  async (stack) => {
    const chain = stack.chains.find((c) => c.id === CHAIN);
    if (!chain) throw new Error("no chain A");
    const edge = stack.urls.edge;
    say(`stack up in ${(stack.startupMs / 1000).toFixed(1)} s; edge ${edge}; waiting for the catch-up`);
    const status = async () =>
      (await (await fetch(`${edge}/v1/chains/${CHAIN}/status`)).json()) as {
        finalizedTip: { number: number } | null;
        lag: { blocks: number } | null;
      };
    for (;;) {
      const s = await status();
      if ((s.finalizedTip?.number ?? 0) >= 20 && s.lag !== null && s.lag.blocks <= 6) break;
      await sleep(1_000);
    }
    // When each block was first seen at the node's head (the L2 side of the delay, at 100 ms resolution).
    const l2 = createL2Client(chain.l2RpcUrl, { cacheTime: 0 });
    const firstSeen = new Map<number, number>();
    const stopPolling = new AbortController();
    const polling = (async () => {
      while (!stopPolling.signal.aborted) {
        const head = Number(await l2.getBlockNumber({ cacheTime: 0 }));
        if (!firstSeen.has(head)) firstSeen.set(head, Date.now());
        await sleep(100);
      }
    })();

    const from = (await status()).finalizedTip?.number ?? 0;
    const stop = new AbortController();
    const delays = { fromTimestamp: [] as number[], fromHead: [] as number[] };
    const seen: Seen[] = Array.from({ length: SUBSCRIBERS }, () => ({ heights: [], bytes: 0 }));
    const measuring = subscribe(edge, from, { heights: [], bytes: 0 }, stop.signal, (data, at) => {
      delays.fromTimestamp.push(at - data.timestamp * 1000);
      const head = firstSeen.get(data.number);
      if (head !== undefined) delays.fromHead.push(at - head);
    });
    const started = Date.now();
    const subscribers = seen.map((s) => subscribe(edge, from, s, stop.signal));
    await sleep(SECONDS * 1000);
    stop.abort();
    stopPolling.abort();
    const results = await Promise.allSettled([measuring, ...subscribers, polling]);
    const elapsed = (Date.now() - started) / 1000;
    const failed = results.filter((r) => r.status === "rejected");
    if (failed.length > 0)
      say(`${failed.length} subscribers failed: ${(failed[0] as PromiseRejectedResult).reason}`);

    const total = seen.reduce((n, s) => n + s.heights.length, 0);
    const broken = seen.filter((s) => s.heights.some((h, i) => h !== from + 1 + i)).length;
    const tip = (await status()).finalizedTip?.number ?? 0;
    const blocksPerSecond = (tip - from) / elapsed;
    const perSubscriber = total / SUBSCRIBERS / elapsed;
    console.log(`
Finalized events on ${CHAIN} (1 s L2 blocks, 4 FPs, no cron), ${SUBSCRIBERS} SSE subscribers + 1 measuring, ${elapsed.toFixed(0)} s:
| delay to the \`finalized\` event          | median ms | p90 ms | n    |
|-----------------------------------------|-----------|--------|------|
| from the block's timestamp (1 s grain)  | ${String(quantile(delays.fromTimestamp, 0.5)).padStart(9)} | ${String(quantile(delays.fromTimestamp, 0.9)).padStart(6)} | ${String(delays.fromTimestamp.length).padStart(4)} |
| from first seen at the node's head      | ${String(quantile(delays.fromHead, 0.5)).padStart(9)} | ${String(quantile(delays.fromHead, 0.9)).padStart(6)} | ${String(delays.fromHead.length).padStart(4)} |
events delivered: ${total} (${(total / elapsed).toFixed(0)} events/s in total, ${perSubscriber.toFixed(2)}/s per subscriber; the tip moved ${blocksPerSecond.toFixed(2)} heights/s: ratio ${(perSubscriber / blocksPerSecond).toFixed(2)})
subscribers with a gap, repeat or disorder: ${broken} of ${SUBSCRIBERS}; stream bytes per subscriber ≈ ${((seen[0]?.bytes ?? 0) / 1024).toFixed(0)} KiB`);
    if (broken > 0 || failed.length > 0) process.exitCode = 1;
  },
);
