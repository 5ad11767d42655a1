/**
 * @module The daemon's `/metrics`: everything is read from the voter's status at scrape time, so the numbers are
 * the ones the loop acts on. Names `finality_edge_fp_*`; label `fp` is the FP's BTC key hex.
 */

import type { VoterStatus } from "../src/fp-daemon/voter.ts";
import { MetricsRegistry } from "../src/metrics/index.ts";

export function createDaemonMetrics(status: () => VoterStatus, chain: string): MetricsRegistry {
  const registry = new MetricsRegistry();
  const base = () => {
    const s = status();
    return { s, labels: { chain, fp: s.fpBtcPk } };
  };
  const gauge = (name: string, help: string, read: (s: VoterStatus) => number | bigint | null) =>
    registry.gauge({
      name,
      help,
      labelNames: ["chain", "fp"],
      collect: () => {
        const { s, labels } = base();
        const value = read(s);
        return value === null ? [] : [{ labels, value }];
      },
    });
  const counter = (
    name: string,
    help: string,
    read: (s: VoterStatus) => Record<string, number>,
    label: string,
  ) =>
    registry.counter({
      name,
      help,
      labelNames: ["chain", "fp", label],
      collect: () => {
        const { s, labels } = base();
        return Object.entries(read(s)).map(([key, value]) => ({
          labels: { ...labels, [label]: key },
          value,
        }));
      },
    });

  gauge("finality_edge_fp_next_height", "The next grid height the daemon signs.", (s) => s.cursor);
  gauge(
    "finality_edge_fp_last_voted_height",
    "The highest height whose vote a transport accepted.",
    (s) => s.lastVoted,
  );
  gauge(
    "finality_edge_fp_committed_height",
    "The highest height covered by this FP's randomness commits.",
    (s) => s.committedTo,
  );
  gauge(
    "finality_edge_fp_committed_ahead_blocks",
    "Committed heights left ahead of the L2 head.",
    (s) => s.committedAhead,
  );
  gauge("finality_edge_fp_l2_head", "The L2 head the daemon last read.", (s) => s.l2Head);
  gauge("finality_edge_fp_l2_safe_head", "The highest L2 block safe to vote on.", (s) => s.safeHead);
  gauge("finality_edge_fp_voting_power", "Voting power (satoshi) at the last BTC height checked.", (s) =>
    s.power === null ? null : BigInt(s.power.power),
  );
  gauge("finality_edge_fp_slashed", "1 once the FP is slashed (the daemon stops signing).", (s) =>
    s.slashed ? 1 : 0,
  );
  registry.gauge({
    name: "finality_edge_fp_outbox_messages",
    help: "Messages in the outbox: unsent, or accepted and not yet seen on Babylon.",
    labelNames: ["chain", "fp", "state"],
    collect: () => {
      const { s, labels } = base();
      return [
        { labels: { ...labels, state: "unsent" }, value: s.outbox.unsent },
        { labels: { ...labels, state: "accepted" }, value: s.outbox.accepted },
      ];
    },
  });
  const total = (name: string, help: string, read: (s: VoterStatus) => number) =>
    registry.counter({
      name,
      help,
      labelNames: ["chain", "fp"],
      collect: () => {
        const { s, labels } = base();
        return [{ labels, value: read(s) }];
      },
    });
  total(
    "finality_edge_fp_votes_signed_total",
    "Votes signed (a height re-signed after a restart counts again).",
    (s) => s.counters.signed,
  );
  total("finality_edge_fp_requests_total", "Requests the transport sent.", (s) => s.counters.requests);
  total(
    "finality_edge_fp_step_errors_total",
    "Loop steps that failed (L2 or Babylon unreachable).",
    (s) => s.counters.errors,
  );
  counter(
    "finality_edge_fp_accepted_total",
    "Messages a transport accepted, by kind.",
    (s) => s.counters.accepted,
    "kind",
  );
  counter(
    "finality_edge_fp_settled_total",
    "Messages seen on Babylon, by kind.",
    (s) => s.counters.settled,
    "kind",
  );
  counter(
    "finality_edge_fp_retried_total",
    "Sends not taken and retried later, by code.",
    (s) => s.counters.retried,
    "code",
  );
  counter(
    "finality_edge_fp_refused_total",
    "Messages refused for good, by code.",
    (s) => s.counters.refused,
    "code",
  );
  counter(
    "finality_edge_fp_skipped_heights_total",
    "Grid heights not voted on, by reason.",
    (s) => s.counters.skipped,
    "reason",
  );
  return registry;
}
