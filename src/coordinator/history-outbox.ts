/**
 * @module The coordinator's side of the vote history: finalized grid heights wait here until they settle (votes
 * keep landing after a block reaches quorum), then are written to D1 with every FP's part read from the contract
 * at that moment. Votes the edge relays after their height settled are queued as late votes. Both queues are in
 * the coordinator's SQLite, in the same object that moves the tip, so no finalized height is skipped and a D1
 * failure only delays the write.
 */
import type { PowerTable, Voter } from "../finality/types.ts";
import type { SettledHeight, VoteKind } from "../history/types.ts";
import type { Tip } from "./event-log.ts";
import type { SqlStore } from "./sql.ts";

export const HISTORY_SCHEMA = `
CREATE TABLE IF NOT EXISTS history_outbox (
  height INTEGER PRIMARY KEY, hash TEXT NOT NULL, timestamp INTEGER NOT NULL, finalized_at INTEGER NOT NULL,
  due_at INTEGER NOT NULL, taken_at INTEGER);
CREATE TABLE IF NOT EXISTS history_late (
  fp TEXT NOT NULL, height INTEGER NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (fp, height, hash));
`;

export type GridSchedule = { activation: number; interval: number };

const onGrid = (n: number, g: GridSchedule) => n >= g.activation && (n - g.activation) % g.interval === 0;

/** Queues the grid heights among `blocks` (just finalized) to be recorded `settleMs` from now. */
export function queueGridHeights(
  sql: SqlStore,
  blocks: readonly Tip[],
  grid: GridSchedule,
  now: number,
  settleMs: number,
): void {
  for (const b of blocks) {
    if (!onGrid(b.number, grid)) continue;
    sql.exec(
      "INSERT OR IGNORE INTO history_outbox (height, hash, timestamp, finalized_at, due_at) VALUES (?, ?, ?, ?, ?)",
      b.number,
      b.hash,
      b.timestamp,
      Math.floor(now / 1000),
      now + settleMs,
    );
  }
}

export type QueuedHeight = { height: number; hash: `0x${string}`; timestamp: number; finalizedAt: number };

/** Takes up to `limit` heights that are due (oldest first); a taken height is no longer "waiting" for late votes. */
export function takeDueHeights(sql: SqlStore, now: number, limit: number): QueuedHeight[] {
  return sql.transaction(() => {
    const rows = sql
      .exec<{ height: number; hash: string; timestamp: number; finalized_at: number }>(
        "SELECT height, hash, timestamp, finalized_at FROM history_outbox WHERE due_at <= ? AND taken_at IS NULL ORDER BY height LIMIT ?",
        now,
        limit,
      )
      .toArray();
    for (const r of rows) sql.exec("UPDATE history_outbox SET taken_at = ? WHERE height = ?", now, r.height);
    return rows.map((r) => ({
      height: r.height,
      hash: r.hash as `0x${string}`,
      timestamp: r.timestamp,
      finalizedAt: r.finalized_at,
    }));
  });
}

/** Written to D1: gone from the outbox. Not written: waiting again. */
export function finishHeights(sql: SqlStore, heights: readonly number[], written: boolean): void {
  sql.transaction(() => {
    for (const h of heights) {
      if (written) sql.exec("DELETE FROM history_outbox WHERE height = ?", h);
      else sql.exec("UPDATE history_outbox SET taken_at = NULL WHERE height = ?", h);
    }
  });
}

/** Heights still to be recorded (the coordinator keeps its alarm while there are any). */
export function historyBacklog(sql: SqlStore): number {
  const row = sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM history_outbox").toArray()[0];
  const late = sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM history_late").toArray()[0];
  return (row?.n ?? 0) + (late?.n ?? 0);
}

/**
 * Votes the relayer saw land. A vote for a height at or below the tip that is not still waiting to settle (absent
 * from the outbox, or being recorded right now) is queued as late; the rest are read from the contract when their
 * height settles.
 */
export function noteLandedVotes(
  sql: SqlStore,
  votes: readonly { fpBtcPk: string; height: number; hash: string }[],
  tip: number | null,
): void {
  if (tip === null) return;
  for (const v of votes) {
    if (v.height > tip) continue;
    const waiting = sql
      .exec("SELECT 1 FROM history_outbox WHERE height = ? AND taken_at IS NULL", v.height)
      .toArray();
    if (waiting.length > 0) continue;
    sql.exec(
      "INSERT OR IGNORE INTO history_late (fp, height, hash) VALUES (?, ?, ?)",
      v.fpBtcPk.toLowerCase(),
      v.height,
      v.hash,
    );
  }
}

export type LateRow = { fpBtcPk: string; height: number; hash: string };

/** Late votes whose height is recorded (no longer in the outbox), up to `limit`. */
export function lateVotesReady(sql: SqlStore, limit: number): LateRow[] {
  return sql
    .exec<{ fp: string; height: number; hash: string }>(
      "SELECT fp, height, hash FROM history_late WHERE height NOT IN (SELECT height FROM history_outbox) ORDER BY height LIMIT ?",
      limit,
    )
    .toArray()
    .map((r) => ({ fpBtcPk: r.fp, height: r.height, hash: r.hash }));
}

export function dropLateVotes(sql: SqlStore, rows: readonly LateRow[]): void {
  sql.transaction(() => {
    for (const r of rows)
      sql.exec(
        "DELETE FROM history_late WHERE fp = ? AND height = ? AND hash = ?",
        r.fpBtcPk,
        r.height,
        r.hash,
      );
  });
}

/**
 * Every FP's part in one grid height: those with power in the table and those that voted. An FP Babylon or the
 * edge recorded as equivocating at this height is `equivocated` whatever it signed.
 */
export function settleHeight(
  queued: QueuedHeight,
  voters: readonly Voter[],
  table: PowerTable,
  equivocated: ReadonlySet<string>,
): SettledHeight {
  const votedFps = new Set(voters.map((v) => v.fpBtcPk.toLowerCase()));
  const power = new Map<string, bigint>();
  for (const [fp, p] of table.power) if (p > 0n) power.set(fp.toLowerCase(), p);
  const fps = [...new Set([...power.keys(), ...votedFps])].sort();
  const kindOf = (fp: string): VoteKind =>
    equivocated.has(fp) ? "equivocated" : votedFps.has(fp) ? "voted" : "missed";
  return {
    number: queued.height,
    hash: queued.hash,
    timestamp: queued.timestamp,
    finalizedAt: queued.finalizedAt,
    btcHeight: Number(table.btcHeight),
    votes: fps.map((fp) => ({ fpBtcPk: fp, power: power.get(fp) ?? 0n, vote: kindOf(fp) })),
  };
}

/** FPs recorded as equivocating at `height` (relayed by the edge or seen on Babylon). */
export function equivocatorsAt(sql: SqlStore, height: number): Set<string> {
  return new Set(
    sql
      .exec<{ fp: string }>("SELECT fp FROM watch_equivocation WHERE height = ?", height)
      .toArray()
      .map((r) => r.fp.toLowerCase()),
  );
}
