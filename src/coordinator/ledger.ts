/**
 * @module The exact submission state of one chain, in the coordinator's SQLite: the vote log (first vote per FP
 * and height wins; a later different vote is an equivocation), the contract's per-FP budget per Babylon
 * interval, submission records, the outbox of accepted-but-unsettled submissions, the equivocation evidence and
 * the counters behind `/submission-metrics`.
 *
 * Verification (CPU-heavy, concurrent) runs in the Worker against a {@link LedgerSnapshot}; {@link commitAccept}
 * then re-checks that snapshot and writes everything in one transaction. A snapshot that went stale under
 * concurrency (another request logged a vote for the same FP and height, or recorded the same submission) is
 * answered `stale` and the Worker verifies again against the new state — so of two conflicting votes exactly one
 * is first, and the other is verified as the equivocation it is.
 */

import type { EquivocationEvidence } from "../submission/evidence.ts";
import type { SubmissionRecord, SubmissionStatus } from "../submission/records.ts";
import { newRecord } from "../submission/records.ts";
import type { QueuedSubmission } from "../submission/types.ts";
import { firstRow, type SqlStore } from "./sql.ts";

export const LEDGER_SCHEMA = `
CREATE TABLE IF NOT EXISTS vote_log (
  fp TEXT NOT NULL, height INTEGER NOT NULL, block_hash TEXT NOT NULL, signature TEXT NOT NULL,
  recorded_at INTEGER NOT NULL, PRIMARY KEY (fp, height, block_hash, signature));
CREATE TABLE IF NOT EXISTS evidence (
  fp TEXT NOT NULL, height INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (fp, height));
CREATE TABLE IF NOT EXISTS budget (
  fp TEXT NOT NULL, interval INTEGER NOT NULL, used INTEGER NOT NULL, PRIMARY KEY (fp, interval));
CREATE TABLE IF NOT EXISTS submission (id TEXT PRIMARY KEY, json TEXT NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (id TEXT PRIMARY KEY, item TEXT NOT NULL, sent_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS outbox_sent_at ON outbox (sent_at);
CREATE TABLE IF NOT EXISTS counter (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
`;

/** How long records and logged votes are kept (as the KV records were). */
export const RECORD_RETENTION_MS = 30 * 24 * 3600 * 1000;

/** A logged vote, hex. */
export type LoggedVote = { blockHash: string; signature: string };

export const voteKey = (fpHex: string, height: string | bigint | number) => `${fpHex}/${height}`;

/** What verification reads, fetched in one call before it starts. */
export type LedgerSnapshot = {
  /** `fp/height` → logged votes. */
  votes: Record<string, LoggedVote[]>;
  /** fp → messages counted in the interval. */
  budgets: Record<string, number>;
  /** Records of the submission ids asked for (commits are recognised by id). */
  records: Record<string, SubmissionRecord>;
};

export type SnapshotRequest = { votes: string[]; fps: string[]; interval: number; ids: string[] };

/** One verified message, as the Worker hands it to {@link commitAccept}. */
export type AcceptEntry = {
  item: QueuedSubmission;
  duplicate: boolean;
  /** For votes: the logged votes verification saw at this FP and height (from the snapshot). */
  seen?: LoggedVote[];
  vote?: LoggedVote;
  evidence?: Omit<EquivocationEvidence, "submissionId" | "recordedAt">;
};

export type AcceptPlan = {
  kind: QueuedSubmission["kind"];
  entries: AcceptEntry[];
  interval: number;
  maxMsgsPerInterval: number;
  now: number;
};

export type AcceptAnswer = { id: string; status: SubmissionRecord["status"]; equivocation: boolean };

export type AcceptOutcome =
  | { outcome: "accepted"; answers: AcceptAnswer[]; fresh: QueuedSubmission[]; equivocations: AcceptEntry[] }
  | { outcome: "stale" }
  /** An FP's budget would be exceeded: the contract's RateLimitExceeded (nothing was written). */
  | { outcome: "rate_limited"; fpBtcPkHex: string; maxMsgsPerInterval: number };

type Json<T> = { json: string } & T;

function parse<T>(text: string): T {
  return JSON.parse(text) as T;
}

export function loggedVotes(sql: SqlStore, fpHex: string, height: string | number): LoggedVote[] {
  return sql
    .exec<{ block_hash: string; signature: string }>(
      "SELECT block_hash, signature FROM vote_log WHERE fp = ? AND height = ? ORDER BY recorded_at, rowid",
      fpHex,
      Number(height),
    )
    .toArray()
    .map((r) => ({ blockHash: r.block_hash, signature: r.signature }));
}

export function budgetUsed(sql: SqlStore, fpHex: string, interval: number): number {
  const row = firstRow<{ used: number }>(
    sql,
    "SELECT used FROM budget WHERE fp = ? AND interval = ?",
    fpHex,
    interval,
  );
  return row?.used ?? 0;
}

export function getRecord(sql: SqlStore, id: string): SubmissionRecord | null {
  const row = firstRow<Json<object>>(sql, "SELECT json FROM submission WHERE id = ?", id);
  return row ? parse<SubmissionRecord>(row.json) : null;
}

function putRecord(sql: SqlStore, record: SubmissionRecord): void {
  sql.exec(
    "INSERT INTO submission (id, json, updated_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at",
    record.id,
    JSON.stringify(record),
    record.updatedAt,
  );
}

export function snapshot(sql: SqlStore, request: SnapshotRequest): LedgerSnapshot {
  const votes: LedgerSnapshot["votes"] = {};
  for (const key of request.votes) {
    const slash = key.lastIndexOf("/");
    votes[key] = loggedVotes(sql, key.slice(0, slash), key.slice(slash + 1));
  }
  const budgets: LedgerSnapshot["budgets"] = {};
  for (const fp of request.fps) budgets[fp] = budgetUsed(sql, fp, request.interval);
  const records: LedgerSnapshot["records"] = {};
  for (const id of request.ids) {
    const record = getRecord(sql, id);
    if (record) records[id] = record;
  }
  return { votes, budgets, records };
}

const sameVotes = (a: readonly LoggedVote[], b: readonly LoggedVote[]) =>
  a.length === b.length &&
  a.every((v, i) => v.blockHash === b[i]?.blockHash && v.signature === b[i]?.signature);

export function addCounter(sql: SqlStore, name: string, by: number): void {
  if (by === 0) return;
  sql.exec(
    "INSERT INTO counter (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
    name,
    by,
  );
}

export function counters(sql: SqlStore): Record<string, number> {
  const out: Record<string, number> = {};
  for (const row of sql.exec<{ name: string; value: number }>("SELECT name, value FROM counter").toArray()) {
    out[row.name] = row.value;
  }
  return out;
}

/**
 * Re-checks the plan against the current state and, when it still holds, writes it all at once (plain results,
 * no throws: they cross the Durable Object's RPC boundary, which keeps no error classes).
 */
export function commitAccept(sql: SqlStore, plan: AcceptPlan): AcceptOutcome {
  return sql.transaction(() => {
    const fresh = plan.entries.filter((e) => !e.duplicate);
    // Nothing of this request is written before every check passed, so the log read here is the one before it.
    for (const entry of plan.entries) {
      const { item } = entry;
      if (entry.duplicate) continue;
      if (getRecord(sql, item.id)) return { outcome: "stale" as const };
      if (item.kind !== "vote" || !entry.vote) continue;
      const now = loggedVotes(sql, item.fpBtcPkHex, item.height);
      if (!sameVotes(now, entry.seen ?? [])) return { outcome: "stale" as const };
    }
    const counts = new Map<string, number>();
    for (const e of fresh) counts.set(e.item.fpBtcPkHex, (counts.get(e.item.fpBtcPkHex) ?? 0) + 1);
    for (const [fp, count] of counts) {
      if (budgetUsed(sql, fp, plan.interval) + count > plan.maxMsgsPerInterval) {
        return {
          outcome: "rate_limited" as const,
          fpBtcPkHex: fp,
          maxMsgsPerInterval: plan.maxMsgsPerInterval,
        };
      }
    }

    const answers: AcceptAnswer[] = [];
    for (const entry of plan.entries) {
      const { item } = entry;
      if (entry.duplicate) {
        // A retry of a message the edge already has: answer what became of it.
        const existing = getRecord(sql, item.id);
        const record = existing ?? newRecord(item, { status: "duplicate" }, plan.now);
        if (!existing) putRecord(sql, record);
        answers.push({ id: record.id, status: "duplicate", equivocation: record.equivocation });
        continue;
      }
      putRecord(sql, newRecord(item, { status: "queued" }, plan.now));
      sql.exec(
        "INSERT OR REPLACE INTO outbox (id, item, sent_at) VALUES (?, ?, ?)",
        item.id,
        JSON.stringify(item),
        plan.now,
      );
      if (entry.vote) {
        sql.exec(
          "INSERT OR IGNORE INTO vote_log (fp, height, block_hash, signature, recorded_at) VALUES (?, ?, ?, ?, ?)",
          item.fpBtcPkHex,
          Number(item.height),
          entry.vote.blockHash,
          entry.vote.signature,
          plan.now,
        );
      }
      if (entry.evidence) {
        const evidence: EquivocationEvidence = {
          ...entry.evidence,
          submissionId: item.id,
          recordedAt: plan.now,
        };
        // Kept for good: it is what slashes the FP. The first evidence at a height stays.
        sql.exec(
          "INSERT OR IGNORE INTO evidence (fp, height, json) VALUES (?, ?, ?)",
          item.fpBtcPkHex,
          Number(item.height),
          JSON.stringify(evidence),
        );
      }
      answers.push({ id: item.id, status: "queued", equivocation: item.equivocation });
    }
    for (const [fp, count] of counts) {
      sql.exec(
        "INSERT INTO budget (fp, interval, used) VALUES (?, ?, ?) ON CONFLICT (fp, interval) DO UPDATE SET used = used + excluded.used",
        fp,
        plan.interval,
        count,
      );
    }
    addCounter(sql, `accepted.${plan.kind}`, fresh.length);
    addCounter(sql, "accept.duplicates", plan.entries.length - fresh.length);
    const equivocations = fresh.filter((e) => e.item.equivocation);
    addCounter(sql, "equivocations", equivocations.length);
    return { outcome: "accepted" as const, answers, fresh: fresh.map((e) => e.item), equivocations };
  });
}

export function getEvidenceJson(sql: SqlStore, fpHex: string, height: number): EquivocationEvidence | null {
  const row = firstRow<Json<object>>(
    sql,
    "SELECT json FROM evidence WHERE fp = ? AND height = ?",
    fpHex,
    height,
  );
  return row ? parse<EquivocationEvidence>(row.json) : null;
}

/** One change the queue consumer made to a submission. `settled`: it leaves the outbox. */
export type SubmissionUpdate = {
  item: QueuedSubmission;
  status: SubmissionStatus;
  attempts: number;
  settled: boolean;
};

export function applyUpdates(sql: SqlStore, updates: readonly SubmissionUpdate[], now: number): void {
  sql.transaction(() => {
    for (const u of updates) {
      const before = getRecord(sql, u.item.id);
      putRecord(sql, {
        ...newRecord(before ? { ...u.item, acceptedAt: before.acceptedAt } : u.item, u.status, now),
        attempts: u.attempts,
      });
      if (u.settled) sql.exec("DELETE FROM outbox WHERE id = ?", u.item.id);
    }
  });
}

/** Outbox entries last sent before `olderThan` (oldest first), marked sent at `now`. */
export function takeStale(sql: SqlStore, olderThan: number, max: number, now: number): QueuedSubmission[] {
  return sql.transaction(() => {
    const rows = sql
      .exec<{ id: string; item: string }>(
        "SELECT id, item FROM outbox WHERE sent_at < ? ORDER BY sent_at LIMIT ?",
        olderThan,
        max,
      )
      .toArray();
    for (const row of rows) sql.exec("UPDATE outbox SET sent_at = ? WHERE id = ?", now, row.id);
    return rows.map((r) => parse<QueuedSubmission>(r.item));
  });
}

/** Marks outbox entries as never sent (the queue refused them): the next requeue sends them. */
export function markUnsent(sql: SqlStore, ids: readonly string[]): void {
  sql.transaction(() => {
    for (const id of ids) sql.exec("UPDATE outbox SET sent_at = 0 WHERE id = ?", id);
  });
}

export function outboxSize(sql: SqlStore): number {
  return firstRow<{ n: number }>(sql, "SELECT COUNT(*) AS n FROM outbox")?.n ?? 0;
}

/** Drops what has outlived its retention (records, logged votes, old budget intervals). */
export function prune(sql: SqlStore, now: number, currentInterval: number | null): void {
  const before = now - RECORD_RETENTION_MS;
  sql.exec("DELETE FROM submission WHERE updated_at < ?", before);
  sql.exec("DELETE FROM vote_log WHERE recorded_at < ?", before);
  if (currentInterval !== null) sql.exec("DELETE FROM budget WHERE interval < ?", currentInterval - 2);
}
