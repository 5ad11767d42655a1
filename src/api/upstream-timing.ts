/**
 * @module How long each upstream read takes, by upstream (`babylon`, `l2`), counted in isolate memory as histogram
 * buckets (plain numbers) and handed to the chain's coordinator with the other isolate counters; `/metrics`
 * renders the sums of every isolate's buckets. A read is one reader call (a BTC-height look-up may be several
 * requests; it is what a decision waits for).
 */
import { countInIsolate } from "../coordinator/isolate-counters.ts";
import type { ChainReaders } from "./context.ts";

export type Upstream = "babylon" | "l2";
export const UPSTREAMS: readonly Upstream[] = ["babylon", "l2"];

/** Upper bounds in seconds (Prometheus' defaults). */
export const UPSTREAM_LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** Coordinator counter names of one upstream's histogram: per-bucket (not cumulative; the last is +Inf), sum, count. */
export const upstreamCounterNames = (u: Upstream) => ({
  bucket: (slot: number) => `upstream.${u}.bucket.${slot}`,
  sumMicros: `upstream.${u}.sum_us`,
  count: `upstream.${u}.count`,
  errors: `upstream.${u}.errors`,
});

export function recordUpstreamRead(
  chain: string,
  upstream: Upstream,
  seconds: number,
  failed: boolean,
): void {
  const names = upstreamCounterNames(upstream);
  let slot = UPSTREAM_LATENCY_BUCKETS.findIndex((bound) => seconds <= bound);
  if (slot === -1) slot = UPSTREAM_LATENCY_BUCKETS.length;
  countInIsolate(chain, names.bucket(slot));
  countInIsolate(chain, names.sumMicros, Math.round(seconds * 1e6));
  countInIsolate(chain, names.count);
  if (failed) countInIsolate(chain, names.errors);
}

const UPSTREAM_OF: Readonly<Record<keyof ChainReaders, Upstream>> = {
  blockRef: "l2",
  blockAt: "l2",
  transaction: "l2",
  l2Head: "l2",
  contractConfig: "babylon",
  blockVoters: "babylon",
  btcHeightAt: "babylon",
  powerTable: "babylon",
  babylonHeight: "babylon",
  highestVotedHeight: "babylon",
  btcStakingActivation: "babylon",
};

/** The same readers, each call timed (errors too: a timeout is the slowest answer). */
export function timedReaders(chain: string, readers: ChainReaders): ChainReaders {
  const timed = {} as Record<string, unknown>;
  for (const [name, upstream] of Object.entries(UPSTREAM_OF) as [keyof ChainReaders, Upstream][]) {
    const read = readers[name] as (...args: unknown[]) => Promise<unknown>;
    timed[name] = async (...args: unknown[]) => {
      const started = performance.now();
      let failed = false;
      try {
        return await read(...args);
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        recordUpstreamRead(chain, upstream, (performance.now() - started) / 1000, failed);
      }
    };
  }
  return timed as ChainReaders;
}
