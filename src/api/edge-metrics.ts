/**
 * @module The Worker's Prometheus metrics (`GET /metrics`), built per scrape from what was read for it: each
 * chain's status (the same computation `GET …/status` answers), its power table, the FPs' highest voted heights,
 * and the chain coordinator's counters (exact submission and relay counts, recorded missed votes, and every
 * isolate's upstream-latency buckets). Names `finality_edge_*`; labels `chain` and, per FP, `fp` (BTC key hex).
 */
import type { PowerTable } from "../babylon/index.ts";
import { MetricsRegistry } from "../metrics/index.ts";
import { metricsFromCounters } from "../submission/metrics.ts";
import type { readChainStatus } from "./chain-status.ts";
import { UPSTREAM_LATENCY_BUCKETS, UPSTREAMS, upstreamCounterNames } from "./upstream-timing.ts";

export type ChainScrape = {
  chain: string;
  /** Absent when the chain's upstreams could not be read for this scrape (`finality_edge_up` 0). */
  status?: Awaited<ReturnType<typeof readChainStatus>>["body"];
  table?: PowerTable;
  lastVoted?: ReadonlyMap<string, number | null>;
  /** The coordinator's counters plus this isolate's unflushed ones; absent when the coordinator did not answer. */
  counters?: Readonly<Record<string, number>>;
};

export const BATCH_SIZE_BUCKETS = [1, 2, 5, 10, 25, 50, 100] as const;

const prefixed = (counters: Readonly<Record<string, number>>, prefix: string) =>
  Object.entries(counters).flatMap(([name, n]) =>
    name.startsWith(prefix) ? [[name.slice(prefix.length), n] as const] : [],
  );

export function renderEdgeMetrics(scrapes: readonly ChainScrape[]): string {
  const registry = new MetricsRegistry();
  const gauge = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    read: (s: ChainScrape) => Iterable<{ labels: Record<L, string>; value: number | bigint }>,
  ) =>
    registry.gauge<L | "chain">({
      name,
      help,
      labelNames: ["chain", ...labelNames],
      collect: () =>
        scrapes.flatMap((s) =>
          [...read(s)].map((r) => ({ labels: { chain: s.chain, ...r.labels }, value: r.value })),
        ) as never,
    });
  const counter = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    read: (
      s: ChainScrape,
      c: Readonly<Record<string, number>>,
    ) => Iterable<{ labels: Record<L, string>; value: number }>,
  ) =>
    registry.counter<L | "chain">({
      name,
      help,
      labelNames: ["chain", ...labelNames],
      collect: () =>
        scrapes.flatMap((s) =>
          s.counters
            ? [...read(s, s.counters)].map((r) => ({
                labels: { chain: s.chain, ...r.labels },
                value: r.value,
              }))
            : [],
        ) as never,
    });
  const one = (value: number | bigint | null | undefined) =>
    value === null || value === undefined ? [] : [{ labels: {}, value }];
  const perFp = (s: ChainScrape, value: (p: PowerTable["providers"][number]) => number | bigint | null) =>
    (s.table?.providers ?? []).flatMap((p) => {
      const v = value(p);
      return v === null ? [] : [{ labels: { fp: p.btcPk }, value: v }];
    });

  gauge(
    "finality_edge_up",
    "1 when the chain's L2 and Babylon could be read for this scrape, else 0.",
    [],
    (s) => one(s.status ? 1 : 0),
  );
  gauge(
    "finality_edge_finalized_height",
    "Highest L2 block the edge proved BTC-finalized (as /status).",
    [],
    (s) => one(s.status?.finalizedTip?.number),
  );
  gauge("finality_edge_l2_head_height", "Latest L2 block number.", [], (s) => one(s.status?.l2Head.number));
  gauge("finality_edge_lag_blocks", "L2 head minus the finalized height.", [], (s) =>
    one(s.status?.lag?.blocks),
  );
  gauge("finality_edge_lag_seconds", "L2 head time minus the finalized block's time.", [], (s) =>
    one(s.status?.lag?.seconds),
  );
  gauge("finality_edge_btc_height", "BTC tip height as Babylon's light client knows it.", [], (s) =>
    one(s.table?.btcHeight),
  );
  gauge(
    "finality_edge_total_voting_power_sats",
    "The BSN's total voting power at the BTC tip (satoshi).",
    [],
    (s) => one(s.table?.totalPower),
  );
  gauge("finality_edge_fp_voting_power_sats", "An FP's voting power at the BTC tip (satoshi).", ["fp"], (s) =>
    perFp(s, (p) => p.power),
  );
  gauge("finality_edge_fp_slashed", "1 when Babylon slashed the FP.", ["fp"], (s) =>
    perFp(s, (p) => (p.slashed ? 1 : 0)),
  );
  gauge("finality_edge_fp_last_voted_height", "The contract's highest voted height of the FP.", ["fp"], (s) =>
    perFp(s, (p) => s.lastVoted?.get(p.btcPk) ?? null),
  );
  counter(
    "finality_edge_fp_votes_missed_total",
    "Grid heights the FP had power at and had not voted when the height settled (each height once).",
    ["fp"],
    (_s, c) => prefixed(c, "history.missed.").map(([fp, value]) => ({ labels: { fp }, value })),
  );
  counter(
    "finality_edge_fp_votes_late_total",
    "Recorded misses the FP's vote, relayed by the edge, turned into late votes.",
    ["fp"],
    (_s, c) => prefixed(c, "history.late.").map(([fp, value]) => ({ labels: { fp }, value })),
  );

  const submission = (c: Readonly<Record<string, number>>) => metricsFromCounters(c);
  counter(
    "finality_edge_submissions_accepted_total",
    "Messages accepted (verified, queued).",
    ["kind"],
    (_s, c) => {
      const m = submission(c);
      return [
        { labels: { kind: "commit" }, value: m.accepted.commit },
        { labels: { kind: "vote" }, value: m.accepted.vote },
      ];
    },
  );
  counter(
    "finality_edge_submissions_duplicate_total",
    "Messages answered duplicate, or found on chain.",
    [],
    (_s, c) => one(submission(c).duplicates) as never,
  );
  counter("finality_edge_submissions_refused_total", "Messages refused, by rule code.", ["code"], (_s, c) =>
    Object.entries(submission(c).refused).map(([code, value]) => ({ labels: { code }, value })),
  );
  counter(
    "finality_edge_equivocations_total",
    "Conflicting votes the edge accepted as evidence.",
    [],
    (_s, c) => one(submission(c).equivocations) as never,
  );
  counter(
    "finality_edge_relayer_transactions_total",
    "Babylon transactions that carried submissions.",
    [],
    (_s, c) => one(submission(c).transactions) as never,
  );
  counter(
    "finality_edge_relayer_tx_failures_total",
    "Transactions or simulations Babylon refused.",
    [],
    (_s, c) => one(submission(c).txFailures) as never,
  );
  counter(
    "finality_edge_relayer_gas_used_total",
    "Gas used by the relayer's transactions.",
    [],
    (_s, c) => one(submission(c).gasUsed) as never,
  );
  counter(
    "finality_edge_queue_retries_total",
    "Queue deliveries retried after a transient failure.",
    [],
    (_s, c) => one(submission(c).retries) as never,
  );
  counter(
    "finality_edge_queue_dead_letters_total",
    "Messages that failed for good (dead-lettered).",
    [],
    (_s, c) => one(submission(c).failed) as never,
  );
  registry.histogram<"chain">({
    name: "finality_edge_relayer_batch_size",
    help: "Messages per relayer transaction.",
    labelNames: ["chain"],
    buckets: BATCH_SIZE_BUCKETS,
    collect: () =>
      scrapes.flatMap((s) => {
        if (!s.counters) return [];
        const perBucket = new Array<number>(BATCH_SIZE_BUCKETS.length + 1).fill(0);
        let sum = 0;
        for (const [size, n] of Object.entries(submission(s.counters).batchSizes)) {
          let slot = BATCH_SIZE_BUCKETS.findIndex((bound) => Number(size) <= bound);
          if (slot === -1) slot = BATCH_SIZE_BUCKETS.length;
          perBucket[slot] = (perBucket[slot] ?? 0) + n;
          sum += Number(size) * n;
        }
        return [{ labels: { chain: s.chain }, perBucket, sum }];
      }),
  });
  registry.histogram<"chain" | "upstream">({
    name: "finality_edge_upstream_read_duration_seconds",
    help: "Duration of upstream reads (one reader call), by upstream, summed over every isolate.",
    labelNames: ["chain", "upstream"],
    buckets: UPSTREAM_LATENCY_BUCKETS,
    collect: () =>
      scrapes.flatMap((s) =>
        s.counters
          ? UPSTREAMS.map((upstream) => {
              const names = upstreamCounterNames(upstream);
              const c = s.counters ?? {};
              return {
                labels: { chain: s.chain, upstream },
                perBucket: Array.from(
                  { length: UPSTREAM_LATENCY_BUCKETS.length + 1 },
                  (_, i) => c[names.bucket(i)] ?? 0,
                ),
                sum: (c[names.sumMicros] ?? 0) / 1e6,
              };
            })
          : [],
      ),
  });
  counter(
    "finality_edge_upstream_read_errors_total",
    "Upstream reads that failed, by upstream.",
    ["upstream"],
    (_s, c) =>
      UPSTREAMS.map((upstream) => ({
        labels: { upstream },
        value: c[upstreamCounterNames(upstream).errors] ?? 0,
      })),
  );
  return registry.render();
}
