/** @module What the daemon counts (plain numbers, rendered as Prometheus counters by the ops layer). */

export type Counters = {
  /** Votes signed (a re-signed height after a restart counts again). */
  signed: number;
  /** Messages a transport accepted, by kind. */
  accepted: { commit: number; vote: number };
  /** Messages seen on Babylon and removed from the outbox, by kind. */
  settled: { commit: number; vote: number };
  /** Sends that were not taken and will be retried, by code. */
  retried: Record<string, number>;
  /** Messages refused for good, by code. */
  refused: Record<string, number>;
  /** Heights not voted on, by reason. */
  skipped: Record<string, number>;
  /** Requests sent, and the messages in them. */
  requests: number;
  /** Steps that failed (L2 or Babylon unreachable). */
  errors: number;
};

export function createCounters(): Counters {
  return {
    signed: 0,
    accepted: { commit: 0, vote: 0 },
    settled: { commit: 0, vote: 0 },
    retried: {},
    refused: {},
    skipped: {},
    requests: 0,
    errors: 0,
  };
}

export function bump(counts: Record<string, number>, code: string): void {
  counts[code] = (counts[code] ?? 0) + 1;
}
