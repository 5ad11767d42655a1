/**
 * @module The chain's finalized tip (forward only) and its recent event log, in the coordinator's SQLite. Every
 * subscriber and webhook reads from this one log, so a thousand subscribers cost one tip evaluation, and a client
 * that reconnects with `Last-Event-ID` resumes exactly where it stopped — as long as that point is still in the
 * bounded log; older than that, it is told to resync.
 */
import type { ChainEvent, FinalizedEventData, LoggedEvent } from "./events.ts";
import { firstRow, type SqlStore } from "./sql.ts";

export const EVENT_LOG_SCHEMA = `
CREATE TABLE IF NOT EXISTS tip (
  k INTEGER PRIMARY KEY CHECK (k = 0), number INTEGER NOT NULL, hash TEXT NOT NULL, timestamp INTEGER NOT NULL,
  updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS event_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, data TEXT NOT NULL,
  created_at INTEGER NOT NULL);
`;

/** Events kept for resuming (at 1 s blocks, almost three hours of `finalized`). */
export const EVENT_LOG_SIZE = 10_000;

export type Tip = FinalizedEventData;

export function readTip(sql: SqlStore): Tip | null {
  const row = firstRow<{ number: number; hash: string; timestamp: number }>(
    sql,
    "SELECT number, hash, timestamp FROM tip WHERE k = 0",
  );
  return row ? { number: row.number, hash: row.hash as Tip["hash"], timestamp: row.timestamp } : null;
}

type Row = { seq: number; id: string; type: string; data: string; created_at: number };

const toEvent = (chain: string, row: Row): LoggedEvent =>
  ({
    seq: row.seq,
    id: row.id,
    chain,
    type: row.type,
    data: JSON.parse(row.data),
    createdAt: row.created_at,
  }) as LoggedEvent;

/**
 * Moves the tip forward over `blocks` (consecutive heights just above the tip, in order) and logs a `finalized`
 * event for each, atomically. Blocks at or below the tip are ignored (the tip never moves back).
 */
export function advanceTip(sql: SqlStore, chain: string, blocks: readonly Tip[], now: number): LoggedEvent[] {
  return sql.transaction(() => {
    const logged: LoggedEvent[] = [];
    let tip = readTip(sql);
    for (const block of blocks) {
      if (tip && block.number <= tip.number) continue;
      if (tip && block.number !== tip.number + 1)
        throw new Error(`tip ${tip.number}: block ${block.number} is not next`);
      sql.exec(
        "INSERT INTO tip (k, number, hash, timestamp, updated_at) VALUES (0, ?, ?, ?, ?) ON CONFLICT (k) DO UPDATE SET number = excluded.number, hash = excluded.hash, timestamp = excluded.timestamp, updated_at = excluded.updated_at",
        block.number,
        block.hash,
        block.timestamp,
        now,
      );
      logged.push(append(sql, chain, { type: "finalized", data: block }, String(block.number), now));
      tip = block;
    }
    trim(sql);
    return logged;
  });
}

/** Sets the tip without events (a coordinator that starts from a tip proven before it existed). */
export function seedTip(sql: SqlStore, tip: Tip, now: number): void {
  if (readTip(sql)) return;
  sql.exec(
    "INSERT INTO tip (k, number, hash, timestamp, updated_at) VALUES (0, ?, ?, ?, ?)",
    tip.number,
    tip.hash,
    tip.timestamp,
    now,
  );
}

/** Logs an event that is not a height (`equivocation`, `slashed`); its id is `<tip height>:<seq>`. */
export function logEvent(sql: SqlStore, chain: string, event: ChainEvent, now: number): LoggedEvent {
  return sql.transaction(() => {
    const tip = readTip(sql);
    const next = (firstRow<{ seq: number }>(sql, "SELECT MAX(seq) AS seq FROM event_log")?.seq ?? 0) + 1;
    const logged = append(sql, chain, event, `${tip?.number ?? 0}:${next}`, now);
    trim(sql);
    return logged;
  });
}

function append(sql: SqlStore, chain: string, event: ChainEvent, id: string, now: number): LoggedEvent {
  const [row] = sql
    .exec<Row>(
      "INSERT INTO event_log (id, type, data, created_at) VALUES (?, ?, ?, ?) RETURNING seq, id, type, data, created_at",
      id,
      event.type,
      JSON.stringify(event.data),
      now,
    )
    .toArray();
  return toEvent(chain, row as Row);
}

function trim(sql: SqlStore): void {
  sql.exec("DELETE FROM event_log WHERE seq <= (SELECT MAX(seq) FROM event_log) - ?", EVENT_LOG_SIZE);
}

/** Where a subscriber resumes: after an event id (`Last-Event-ID`), after a height (`?from=`), or live. */
export type ResumePoint = { afterId: string } | { afterHeight: number } | null;

export type ResumeAnswer =
  /** Events after the point (up to `limit`; call again from the last one for more). */
  | { kind: "events"; events: LoggedEvent[] }
  /** The point is older than the log (or unknown): the client fills the gap from the range API. */
  | { kind: "resync"; oldest: number | null; events: LoggedEvent[] };

/** The seq after which a resume point's events start, or `null` when the log no longer reaches back to it. */
function seqAfter(sql: SqlStore, point: Exclude<ResumePoint, null>): number | null {
  const first = firstRow<{ seq: number; id: string }>(
    sql,
    "SELECT seq, id FROM event_log ORDER BY seq LIMIT 1",
  );
  const height = "afterHeight" in point ? point.afterHeight : parseHeight(point.afterId);
  if ("afterId" in point) {
    const exact = firstRow<{ seq: number }>(sql, "SELECT seq FROM event_log WHERE id = ?", point.afterId);
    if (exact) return exact.seq;
  }
  if (height === null) return null;
  const at = firstRow<{ seq: number }>(sql, "SELECT seq FROM event_log WHERE id = ?", String(height));
  if (at) return at.seq;
  // Not logged: fine if it is below everything logged only when nothing was ever dropped (seq 1 still here),
  // or when the height is not yet reached (the client is ahead: send from the live end).
  const tip = readTip(sql);
  if (tip && height >= tip.number)
    return firstRow<{ seq: number }>(sql, "SELECT MAX(seq) AS seq FROM event_log")?.seq ?? 0;
  if (first && first.seq === 1) {
    const firstHeight = firstFinalizedHeight(sql);
    if (firstHeight !== null && height < firstHeight) return 0;
  }
  return null;
}

const parseHeight = (id: string): number | null => {
  const match = /^(\d{1,15})(?::\d{1,15})?$/.exec(id);
  return match ? Number(match[1]) : null;
};

function firstFinalizedHeight(sql: SqlStore): number | null {
  const row = firstRow<{ id: string }>(
    sql,
    "SELECT id FROM event_log WHERE type = 'finalized' ORDER BY seq LIMIT 1",
  );
  return row ? Number(row.id) : null;
}

export function eventsAfterSeq(sql: SqlStore, chain: string, seq: number, limit: number): LoggedEvent[] {
  return sql
    .exec<Row>(
      "SELECT seq, id, type, data, created_at FROM event_log WHERE seq > ? ORDER BY seq LIMIT ?",
      seq,
      limit,
    )
    .toArray()
    .map((row) => toEvent(chain, row));
}

export function latestSeq(sql: SqlStore): number {
  return firstRow<{ seq: number | null }>(sql, "SELECT MAX(seq) AS seq FROM event_log")?.seq ?? 0;
}

/** What a subscriber gets first: the logged events after its resume point, or a resync notice. */
export function resume(sql: SqlStore, chain: string, point: ResumePoint, limit: number): ResumeAnswer {
  if (point === null) return { kind: "events", events: [] };
  const seq = seqAfter(sql, point);
  if (seq === null) {
    const oldest = firstFinalizedHeight(sql);
    const firstSeq = firstRow<{ seq: number }>(sql, "SELECT MIN(seq) AS seq FROM event_log")?.seq ?? 1;
    return { kind: "resync", oldest, events: eventsAfterSeq(sql, chain, firstSeq - 1, limit) };
  }
  return { kind: "events", events: eventsAfterSeq(sql, chain, seq, limit) };
}
