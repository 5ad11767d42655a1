/**
 * @module The FP daemon's store on Node's embedded SQLite (`node:sqlite`): one file per FP home, bound to one key
 * and BSN. WAL with `synchronous=FULL`, so every commit (a vote claim above all) is on disk before the call returns;
 * several processes may share the file (busy_timeout, write transactions taken up front).
 */
import { DatabaseSync, type SQLOutputValue, type StatementSync } from "node:sqlite";
import type { MerkleProof } from "../../src/crypto/index.ts";
import type { CommitRecord, FpStore, OutboxEntry, SkippedHeight } from "../../src/fp-daemon/store.ts";
import type {
  BuiltCommit,
  DoubleSignGuard,
  ProofScope,
  ProofStore,
  SignedVote,
  StoredProof,
} from "../../src/provider/index.ts";
import {
  StoreClosedError,
  StoreInvalidInputError,
  StoreScopeMismatchError,
  StoreVersionUnsupportedError,
} from "./errors.ts";

export type StoreScope = { publicKeyHex: string; bsnId: string };

/** How long a statement waits for another connection's write lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 10_000;
/** Skips kept by {@link FpStore.prune}. */
const SKIPS_KEPT = 1_000;
/** CometBFT Merkle nodes are SHA-256 digests: aunts are stored concatenated, 32 bytes each. */
const AUNT_SIZE = 32;
const INT64_MAX = (1n << 63n) - 1n;

type Row = Record<string, SQLOutputValue>;

/**
 * Schema steps: `MIGRATIONS[v]` takes a file from `user_version` v to v + 1. Append, never edit a shipped step.
 * The scope is implicit in every table (the file serves one key on one BSN, see `store_scope`).
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE store_scope (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     public_key_hex TEXT NOT NULL,
     bsn_id TEXT NOT NULL,
     created_at INTEGER NOT NULL
   ) STRICT;
   CREATE TABLE double_sign (
     height INTEGER PRIMARY KEY,
     block_hash BLOB NOT NULL,
     signature BLOB NOT NULL,
     claimed_at INTEGER NOT NULL
   ) STRICT;
   CREATE TABLE proof_commits (
     id INTEGER PRIMARY KEY,
     start_height INTEGER NOT NULL,
     num_pub_rand INTEGER NOT NULL,
     interval INTEGER NOT NULL,
     commitment BLOB NOT NULL,
     UNIQUE (start_height, num_pub_rand, interval, commitment)
   ) STRICT;
   CREATE TABLE proofs (
     height INTEGER PRIMARY KEY,
     commit_id INTEGER NOT NULL REFERENCES proof_commits (id),
     total INTEGER NOT NULL,
     leaf_index INTEGER NOT NULL,
     leaf_hash BLOB NOT NULL,
     aunts BLOB NOT NULL
   ) STRICT;
   CREATE INDEX proofs_by_commit ON proofs (commit_id);
   CREATE TABLE progress (name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;
   CREATE TABLE commits (
     start_height INTEGER PRIMARY KEY,
     num_pub_rand INTEGER NOT NULL,
     interval INTEGER NOT NULL,
     end_height INTEGER NOT NULL,
     commitment_hex TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('pending', 'accepted'))
   ) STRICT;
   CREATE INDEX commits_by_end ON commits (end_height);
   CREATE TABLE outbox (
     entry_key TEXT PRIMARY KEY,
     kind TEXT NOT NULL CHECK (kind IN ('commit', 'vote')),
     height INTEGER NOT NULL,
     body TEXT NOT NULL,
     state TEXT NOT NULL DEFAULT 'unsent' CHECK (state IN ('unsent', 'accepted')),
     submission_id TEXT,
     attempts INTEGER NOT NULL DEFAULT 0,
     not_before INTEGER NOT NULL DEFAULT 0,
     accepted_at INTEGER
   ) STRICT;
   CREATE INDEX outbox_due ON outbox (state, not_before);
   CREATE TABLE skips (
     id INTEGER PRIMARY KEY,
     height INTEGER NOT NULL,
     reason TEXT NOT NULL,
     detail TEXT NOT NULL,
     at INTEGER NOT NULL
   ) STRICT;
   CREATE INDEX skips_by_time ON skips (at, id);
   CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;`,
];

/** The schema version this code writes; a file with a higher one is refused. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Opens (creating if needed) the store at `path` for `scope`; a file made for another key or BSN is refused. */
export function openSqliteStore(path: string, scope: StoreScope): FpStore {
  const db = new DatabaseSync(path);
  try {
    // busy_timeout first: switching a fresh file to WAL needs a lock another process may hold.
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = FULL");
    db.exec("PRAGMA foreign_keys = ON");
    migrate(db, path);
    bindScope(db, scope);
    return createStore(db, { publicKeyHex: scope.publicKeyHex, bsnId: scope.bsnId });
  } catch (error) {
    db.close();
    throw error;
  }
}

const userVersion = (db: DatabaseSync): number =>
  Number(db.prepare("PRAGMA user_version").get()?.user_version);

function migrate(db: DatabaseSync, path: string): void {
  const found = userVersion(db);
  if (found > SCHEMA_VERSION) throw new StoreVersionUnsupportedError(path, found, SCHEMA_VERSION);
  if (found === SCHEMA_VERSION) return;
  inTransaction(db, () => {
    // Re-read under the write lock: another process may have migrated since.
    const from = userVersion(db);
    if (from > SCHEMA_VERSION) throw new StoreVersionUnsupportedError(path, from, SCHEMA_VERSION);
    for (const step of MIGRATIONS.slice(from)) db.exec(step);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
  });
}

/** The first open records the scope; every later open must name the same one. */
function bindScope(db: DatabaseSync, scope: StoreScope): void {
  const read = db.prepare("SELECT public_key_hex, bsn_id FROM store_scope WHERE id = 1");
  if (read.get() === undefined) {
    // Two first opens may race: the one row goes to whichever inserts first, the other is checked against it.
    db.prepare(
      "INSERT INTO store_scope (id, public_key_hex, bsn_id, created_at) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
    ).run(scope.publicKeyHex, scope.bsnId, Date.now());
  }
  const row = read.get() as Row;
  const recorded = { publicKeyHex: text(row.public_key_hex), bsnId: text(row.bsn_id) };
  if (recorded.publicKeyHex !== scope.publicKeyHex || recorded.bsnId !== scope.bsnId) {
    throw new StoreScopeMismatchError(recorded, scope, "This store file", "scope");
  }
}

/** `BEGIN IMMEDIATE` takes the write lock up front, so busy_timeout applies (a deferred upgrade can fail at once). */
function inTransaction<T>(db: DatabaseSync, body: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  try {
    const result = body();
    db.exec("COMMIT");
    return result;
  } catch (error) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw error;
  }
}

function createStore(db: DatabaseSync, scope: StoreScope): FpStore {
  let closed = false;
  const live = (operation: string): void => {
    if (closed) throw new StoreClosedError(operation);
  };
  const sql = (source: string): StatementSync => db.prepare(source);
  const bigSql = (source: string): StatementSync => {
    const statement = db.prepare(source);
    statement.setReadBigInts(true);
    return statement;
  };
  const transaction = <T>(body: () => T): T => inTransaction(db, body);

  const s = {
    voteGet: sql("SELECT block_hash, signature FROM double_sign WHERE height = ?"),
    voteClaim: sql(
      "INSERT INTO double_sign (height, block_hash, signature, claimed_at) VALUES (?, ?, ?, ?) ON CONFLICT (height) DO NOTHING",
    ),
    proofCommitInsert: sql(
      `INSERT INTO proof_commits (start_height, num_pub_rand, interval, commitment) VALUES (?, ?, ?, ?)
       ON CONFLICT (start_height, num_pub_rand, interval, commitment) DO NOTHING`,
    ),
    proofCommitId: sql(
      "SELECT id FROM proof_commits WHERE start_height = ? AND num_pub_rand = ? AND interval = ? AND commitment = ?",
    ),
    proofPut: sql(
      `INSERT INTO proofs (height, commit_id, total, leaf_index, leaf_hash, aunts) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (height) DO UPDATE SET commit_id = excluded.commit_id, total = excluded.total,
         leaf_index = excluded.leaf_index, leaf_hash = excluded.leaf_hash, aunts = excluded.aunts`,
    ),
    proofGet: bigSql(
      `SELECT p.total, p.leaf_index, p.leaf_hash, p.aunts, c.start_height, c.num_pub_rand, c.interval, c.commitment
       FROM proofs p JOIN proof_commits c ON c.id = p.commit_id WHERE p.height = ?`,
    ),
    progressGet: sql("SELECT value FROM progress WHERE name = ?"),
    progressSet: sql(
      "INSERT INTO progress (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
    ),
    progressRaise: sql(
      `INSERT INTO progress (name, value) VALUES (?, ?)
       ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)`,
    ),
    commitSave: sql(
      `INSERT INTO commits (start_height, num_pub_rand, interval, end_height, commitment_hex, state)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (start_height) DO UPDATE SET num_pub_rand = excluded.num_pub_rand, interval = excluded.interval,
         end_height = excluded.end_height, commitment_hex = excluded.commitment_hex, state = excluded.state`,
    ),
    commitAccept: sql("UPDATE commits SET state = 'accepted' WHERE start_height = ?"),
    commitList: sql("SELECT * FROM commits ORDER BY start_height"),
    commitRemove: sql("DELETE FROM commits WHERE start_height = ?"),
    outboxAdd: sql(
      "INSERT INTO outbox (entry_key, kind, height, body) VALUES (?, ?, ?, ?) ON CONFLICT (entry_key) DO NOTHING",
    ),
    outboxDue: sql(
      `SELECT * FROM outbox WHERE state = ? AND not_before <= ?
       ORDER BY kind = 'vote', height, entry_key LIMIT ?`,
    ),
    outboxAccept: sql(
      `UPDATE outbox SET state = 'accepted', submission_id = coalesce(?, submission_id), attempts = attempts + 1,
         not_before = ?, accepted_at = coalesce(accepted_at, ?) WHERE entry_key = ?`,
    ),
    outboxRetry: sql(
      "UPDATE outbox SET state = 'unsent', attempts = attempts + 1, not_before = ? WHERE entry_key = ?",
    ),
    outboxDefer: sql("UPDATE outbox SET not_before = ? WHERE entry_key = ? AND state = 'accepted'"),
    outboxSettle: sql("DELETE FROM outbox WHERE entry_key = ?"),
    outboxCounts: sql("SELECT state, count(*) AS n FROM outbox GROUP BY state"),
    skipAdd: sql("INSERT INTO skips (height, reason, detail, at) VALUES (?, ?, ?, ?)"),
    skipRecent: sql("SELECT height, reason, detail, at FROM skips ORDER BY at DESC, id DESC LIMIT ?"),
    metaGet: sql("SELECT value FROM meta WHERE name = ?"),
    metaSet: sql(
      "INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
    ),
    pruneProofs: sql("DELETE FROM proofs WHERE height < ?"),
    pruneProofCommits: sql(
      "DELETE FROM proof_commits WHERE NOT EXISTS (SELECT 1 FROM proofs WHERE proofs.commit_id = proof_commits.id)",
    ),
    pruneCommits: sql("DELETE FROM commits WHERE end_height < ?"),
    pruneSkips: sql(
      `DELETE FROM skips WHERE id NOT IN (SELECT id FROM skips ORDER BY at DESC, id DESC LIMIT ${SKIPS_KEPT})`,
    ),
  };

  const assertScope = (given: ProofScope, field: string): void => {
    if (given.publicKeyHex !== scope.publicKeyHex || given.bsnId !== scope.bsnId) {
      throw new StoreScopeMismatchError(scope, given, "The key", field);
    }
  };

  const guard: DoubleSignGuard = {
    async get(key) {
      live("guard.get");
      assertScope(key, "key");
      const row = s.voteGet.get(int64(key.height, "key.height")) as Row | undefined;
      return row && toVote(row);
    },
    async claim(key, vote) {
      live("guard.claim");
      assertScope(key, "key");
      const height = int64(key.height, "key.height");
      // One autocommit statement: atomic insert-if-absent, fsynced (synchronous=FULL) before run() returns.
      s.voteClaim.run(height, vote.blockHash, vote.signature, Date.now());
      // Rows are never updated or deleted, so whatever is read back is the slot's one vote.
      return toVote(s.voteGet.get(height) as Row);
    },
  };

  /** The row id of a commit, inserting it on first sight; proofs of one commit share the row. */
  const proofCommitId = (commit: BuiltCommit): number => {
    const values = [
      int64(commit.startHeight, "commit.startHeight"),
      int64(commit.numPubRand, "commit.numPubRand"),
      int64(commit.interval, "commit.interval"),
      commit.commitment,
    ];
    s.proofCommitInsert.run(...values);
    return Number((s.proofCommitId.get(...values) as Row).id);
  };

  const proofs: ProofStore = {
    async putMany(given, entries) {
      live("proofs.putMany");
      assertScope(given, "scope");
      // Encode first, so a bad entry fails before the write lock is taken.
      const encoded = entries.map((entry) => ({
        entry,
        height: int64(entry.height, "height"),
        ...encodeProof(entry.proof),
      }));
      transaction(() => {
        const ids = new Map<BuiltCommit, number>();
        for (const { entry, height, total, index, leafHash, aunts } of encoded) {
          let id = ids.get(entry.commit);
          if (id === undefined) {
            id = proofCommitId(entry.commit);
            ids.set(entry.commit, id);
          }
          s.proofPut.run(height, id, total, index, leafHash, aunts);
        }
      });
    },
    async get(given, height) {
      live("proofs.get");
      assertScope(given, "scope");
      const row = s.proofGet.get(int64(height, "height")) as Row | undefined;
      return row && toStoredProof(height, row);
    },
  };

  const progress = (name: string): number | null => {
    const row = s.progressGet.get(name) as Row | undefined;
    return row ? Number(row.value) : null;
  };

  return {
    proofs,
    guard,

    getVoteCursor() {
      live("getVoteCursor");
      return progress("vote_cursor");
    },
    setVoteCursor(height) {
      live("setVoteCursor");
      s.progressSet.run("vote_cursor", safeInt(height, "height"));
    },
    getHighestVoted() {
      live("getHighestVoted");
      return progress("highest_voted");
    },
    noteVoted(height) {
      live("noteVoted");
      s.progressRaise.run("highest_voted", safeInt(height, "height"));
    },

    saveCommit(commit) {
      live("saveCommit");
      s.commitSave.run(
        safeInt(commit.startHeight, "startHeight"),
        safeInt(commit.numPubRand, "numPubRand"),
        safeInt(commit.interval, "interval"),
        safeInt(commit.endHeight, "endHeight"),
        commit.commitmentHex,
        commit.state,
      );
    },
    markCommitAccepted(startHeight) {
      live("markCommitAccepted");
      s.commitAccept.run(safeInt(startHeight, "startHeight"));
    },
    listCommits() {
      live("listCommits");
      return (s.commitList.all() as Row[]).map(toCommit);
    },
    removeCommit(startHeight) {
      live("removeCommit");
      // The record only: its proofs stay until pruned or overwritten by the commit that replans the range.
      s.commitRemove.run(safeInt(startHeight, "startHeight"));
    },

    enqueue(entries, advanceCursorTo) {
      live("enqueue");
      const cursor = advanceCursorTo === undefined ? undefined : safeInt(advanceCursorTo, "advanceCursorTo");
      const rows = entries.map((entry) => {
        const height = safeInt(entry.height, "height");
        if (entry.key !== `${entry.kind}:${height}`) {
          throw new StoreInvalidInputError(
            "key",
            `outbox key ${entry.key} should be ${entry.kind}:${height}`,
          );
        }
        return [entry.key, entry.kind, height, bodyText(entry.body)] as const;
      });
      transaction(() => {
        for (const row of rows) s.outboxAdd.run(...row);
        if (cursor !== undefined) s.progressSet.run("vote_cursor", cursor);
      });
    },
    due(state, now, limit) {
      live("due");
      return (s.outboxDue.all(state, safeInt(now, "now"), safeInt(limit, "limit")) as Row[]).map(
        toOutboxEntry,
      );
    },
    markAccepted(accepted, now, checkAt) {
      live("markAccepted");
      safeInt(now, "now");
      safeInt(checkAt, "checkAt");
      transaction(() => {
        for (const { key, submissionId } of accepted) s.outboxAccept.run(submissionId, checkAt, now, key);
      });
    },
    markRetry(keys, notBefore) {
      live("markRetry");
      safeInt(notBefore, "notBefore");
      transaction(() => {
        for (const key of keys) s.outboxRetry.run(notBefore, key);
      });
    },
    deferCheck(keys, notBefore) {
      live("deferCheck");
      safeInt(notBefore, "notBefore");
      transaction(() => {
        for (const key of keys) s.outboxDefer.run(notBefore, key);
      });
    },
    settle(keys) {
      live("settle");
      transaction(() => {
        for (const key of keys) s.outboxSettle.run(key);
      });
    },
    outboxCounts() {
      live("outboxCounts");
      const counts = { unsent: 0, accepted: 0 };
      for (const row of s.outboxCounts.all() as Row[])
        counts[row.state as OutboxEntry["state"]] = Number(row.n);
      return counts;
    },

    recordSkip(skip) {
      live("recordSkip");
      s.skipAdd.run(safeInt(skip.height, "height"), skip.reason, skip.detail, safeInt(skip.at, "at"));
    },
    recentSkips(limit) {
      live("recentSkips");
      return (s.skipRecent.all(safeInt(limit, "limit")) as Row[]).map(toSkip);
    },

    getMeta(key) {
      live("getMeta");
      const row = s.metaGet.get(key) as Row | undefined;
      return row ? text(row.value) : undefined;
    },
    setMeta(key, value) {
      live("setMeta");
      s.metaSet.run(key, value);
    },

    prune(height) {
      live("prune");
      const below = safeInt(height, "height");
      return transaction(() => {
        const removed = Number(s.pruneProofs.run(below).changes);
        s.pruneProofCommits.run();
        s.pruneCommits.run(below);
        s.pruneSkips.run();
        return removed;
      });
    },
    close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}

/** SQLite integers are signed 64-bit: a height beyond that cannot be kept exactly. */
function int64(value: bigint, field: string): bigint {
  if (value < 0n || value > INT64_MAX)
    throw new StoreInvalidInputError(field, `${value} is outside 0…2^63−1`);
  return value;
}

function safeInt(value: number, field: string): number {
  if (!Number.isSafeInteger(value)) throw new StoreInvalidInputError(field, `${value} is not a safe integer`);
  return value;
}

function bodyText(body: Record<string, unknown>): string {
  try {
    return JSON.stringify(body);
  } catch (error) {
    throw new StoreInvalidInputError("body", `not JSON-serializable: ${String(error)}`);
  }
}

function encodeProof(proof: MerkleProof): {
  total: number;
  index: number;
  leafHash: Uint8Array;
  aunts: Uint8Array;
} {
  const aunts = new Uint8Array(proof.aunts.length * AUNT_SIZE);
  proof.aunts.forEach((aunt, i) => {
    if (aunt.length !== AUNT_SIZE) {
      throw new StoreInvalidInputError("proof.aunts", `aunt ${i} has ${aunt.length} bytes, not ${AUNT_SIZE}`);
    }
    aunts.set(aunt, i * AUNT_SIZE);
  });
  return { total: proof.total, index: proof.index, leafHash: proof.leafHash, aunts };
}

function toStoredProof(height: bigint, row: Row): StoredProof {
  const aunts = blob(row.aunts);
  return {
    height,
    commit: {
      startHeight: row.start_height as bigint,
      numPubRand: row.num_pub_rand as bigint,
      interval: row.interval as bigint,
      commitment: blob(row.commitment),
    },
    proof: {
      total: Number(row.total),
      index: Number(row.leaf_index),
      leafHash: blob(row.leaf_hash),
      aunts: Array.from({ length: aunts.length / AUNT_SIZE }, (_, i) =>
        aunts.slice(i * AUNT_SIZE, (i + 1) * AUNT_SIZE),
      ),
    },
  };
}

const toVote = (row: Row): SignedVote => ({
  blockHash: blob(row.block_hash),
  signature: blob(row.signature),
});

const toCommit = (row: Row): CommitRecord => ({
  startHeight: Number(row.start_height),
  numPubRand: Number(row.num_pub_rand),
  interval: Number(row.interval),
  endHeight: Number(row.end_height),
  commitmentHex: text(row.commitment_hex),
  state: row.state as CommitRecord["state"],
});

const toOutboxEntry = (row: Row): OutboxEntry => ({
  key: text(row.entry_key),
  kind: row.kind as OutboxEntry["kind"],
  height: Number(row.height),
  body: JSON.parse(text(row.body)) as Record<string, unknown>,
  state: row.state as OutboxEntry["state"],
  submissionId: row.submission_id === null ? null : text(row.submission_id),
  attempts: Number(row.attempts),
  notBefore: Number(row.not_before),
  acceptedAt: row.accepted_at === null ? null : Number(row.accepted_at),
});

const toSkip = (row: Row): SkippedHeight => ({
  height: Number(row.height),
  reason: text(row.reason),
  detail: text(row.detail),
  at: Number(row.at),
});

const text = (value: SQLOutputValue | undefined): string => String(value);
/** A plain Uint8Array the caller owns. */
const blob = (value: SQLOutputValue | undefined): Uint8Array => Uint8Array.from(value as Uint8Array);
