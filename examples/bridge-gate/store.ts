/**
 * @module The gate's durable state in SQLite (`node:sqlite`, built into Node ≥ 22.5): one row per withdrawal, and
 * the release ledger. A release IS its ledger row, written in the same transaction that moves the withdrawal to
 * `released`, so a crash leaves either both or neither, and the ledger's primary key makes a second release of one
 * withdrawal impossible even with two gate processes on one file. Whatever pays out reads the ledger (an outbox).
 */
import type { DatabaseSync } from "node:sqlite";

export type WithdrawalState = "waiting" | "released" | "refused";

export type TrackedWithdrawal = {
  id: string;
  chain: string;
  txHash: string;
  state: WithdrawalState;
  /** Why it was refused (terminal), or the last reason it was kept waiting. */
  reason: string | null;
  detail: string | null;
  /** Unix ms when the edge first answered "no such transaction" in the current unknown spell (survives restarts). */
  unknownSince: number | null;
  createdAt: number;
  updatedAt: number;
};

export type ReleaseRecord = {
  withdrawalId: string;
  chain: string;
  txHash: string;
  blockNumber: number;
  blockHash: string;
  gridHeight: number | null;
  btcHeight: number | null;
  votedPower: string;
  totalPower: string;
  /** Which verifier passed: `decision` (the answer's own evidence) or `babylon` (re-read from a Babylon RPC). */
  verification: "decision" | "babylon";
  releasedAt: number;
};

/** `newly`: this call wrote the ledger row; otherwise the row written before. */
export type ReleaseResult = { newly: boolean; release: ReleaseRecord };

export class WithdrawalConflictError extends Error {
  override name = "WithdrawalConflictError";
}

export type GateStore = {
  /** Registers the withdrawal (idempotent per id) and returns its row; a changed tx hash or a reused tx throws. */
  track(id: string, chain: string, txHash: string, now: number): TrackedWithdrawal;
  get(id: string): TrackedWithdrawal | undefined;
  /** Keeps it waiting, noting why (and when the current unknown spell began). False: it is no longer waiting. */
  wait(id: string, reason: string, detail: string, unknown: boolean, now: number): boolean;
  /** Terminal: never released afterwards. False (and nothing changed) unless it was waiting. */
  refuse(id: string, reason: string, detail: string, now: number): boolean;
  /**
   * The state change and the ledger row in one transaction; the existing row when it was released before;
   * undefined (nothing written) when it was refused meanwhile.
   */
  release(record: ReleaseRecord): ReleaseResult | undefined;
  releaseOf(id: string): ReleaseRecord | undefined;
  releases(): ReleaseRecord[];
  close(): void;
};

const SCHEMA = `
CREATE TABLE IF NOT EXISTS withdrawals (
  id            TEXT PRIMARY KEY,
  chain         TEXT NOT NULL,
  tx_hash       TEXT NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('waiting', 'released', 'refused')),
  reason        TEXT,
  detail        TEXT,
  unknown_since INTEGER,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  -- One L2 transaction pays out one withdrawal: a second id naming it is a double claim.
  UNIQUE (chain, tx_hash)
);
CREATE TABLE IF NOT EXISTS releases (
  withdrawal_id TEXT PRIMARY KEY REFERENCES withdrawals (id),
  chain         TEXT NOT NULL,
  tx_hash       TEXT NOT NULL,
  block_number  INTEGER NOT NULL,
  block_hash    TEXT NOT NULL,
  grid_height   INTEGER,
  btc_height    INTEGER,
  voted_power   TEXT NOT NULL,
  total_power   TEXT NOT NULL,
  verification  TEXT NOT NULL,
  released_at   INTEGER NOT NULL
);`;

type Row = Record<string, unknown>;

const toWithdrawal = (r: Row): TrackedWithdrawal => ({
  id: String(r.id),
  chain: String(r.chain),
  txHash: String(r.tx_hash),
  state: r.state as WithdrawalState,
  reason: (r.reason as string | null) ?? null,
  detail: (r.detail as string | null) ?? null,
  unknownSince: r.unknown_since === null ? null : Number(r.unknown_since),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

const toRelease = (r: Row): ReleaseRecord => ({
  withdrawalId: String(r.withdrawal_id),
  chain: String(r.chain),
  txHash: String(r.tx_hash),
  blockNumber: Number(r.block_number),
  blockHash: String(r.block_hash),
  gridHeight: r.grid_height === null ? null : Number(r.grid_height),
  btcHeight: r.btc_height === null ? null : Number(r.btc_height),
  votedPower: String(r.voted_power),
  totalPower: String(r.total_power),
  verification: r.verification as ReleaseRecord["verification"],
  releasedAt: Number(r.released_at),
});

/**
 * Opens (or creates) the store. `node:sqlite` is imported here, lazily, so a CLI can filter the ExperimentalWarning
 * Node prints when the module first loads.
 */
export async function openGateStore(path: string): Promise<GateStore> {
  const { DatabaseSync } = await import("node:sqlite").catch((error: Error) => {
    throw new Error(
      `node:sqlite needs Node ≥ 22.5 (this is ${process.version}): run through npx node / npm run`,
      {
        cause: error,
      },
    );
  });
  const db: DatabaseSync = new DatabaseSync(path);
  // WAL + FULL: a committed release survives a crash or power loss; busy_timeout lets two processes share a file.
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;");
  db.exec("PRAGMA foreign_keys = ON;");
  db.exec(SCHEMA);

  const byId = db.prepare("SELECT * FROM withdrawals WHERE id = ?");
  const byTx = db.prepare("SELECT id FROM withdrawals WHERE chain = ? AND tx_hash = ?");
  const insert = db.prepare(
    "INSERT INTO withdrawals (id, chain, tx_hash, state, created_at, updated_at) VALUES (?, ?, ?, 'waiting', ?, ?)",
  );
  const setWaiting = db.prepare(
    `UPDATE withdrawals SET reason = ?, detail = ?, updated_at = ?,
       unknown_since = CASE WHEN ? THEN COALESCE(unknown_since, ?) ELSE NULL END
     WHERE id = ? AND state = 'waiting'`,
  );
  const setRefused = db.prepare(
    "UPDATE withdrawals SET state = 'refused', reason = ?, detail = ?, updated_at = ? WHERE id = ? AND state = 'waiting'",
  );
  const setReleased = db.prepare(
    "UPDATE withdrawals SET state = 'released', reason = NULL, detail = NULL, updated_at = ? WHERE id = ? AND state = 'waiting'",
  );
  const insertRelease = db.prepare(
    `INSERT INTO releases (withdrawal_id, chain, tx_hash, block_number, block_hash, grid_height, btc_height,
       voted_power, total_power, verification, released_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const releaseById = db.prepare("SELECT * FROM releases WHERE withdrawal_id = ?");
  const allReleases = db.prepare("SELECT * FROM releases ORDER BY released_at, withdrawal_id");

  const get = (id: string) => {
    const row = byId.get(id);
    return row ? toWithdrawal(row) : undefined;
  };
  const releaseOf = (id: string) => {
    const row = releaseById.get(id);
    return row ? toRelease(row) : undefined;
  };

  /** BEGIN IMMEDIATE takes the write lock first, so the read inside sees what no other writer can change. */
  function inTransaction<T>(work: () => T): T {
    db.exec("BEGIN IMMEDIATE");
    try {
      const result = work();
      db.exec("COMMIT");
      return result;
    } catch (error) {
      if (db.isTransaction) db.exec("ROLLBACK");
      throw error;
    }
  }

  return {
    track(id, chain, txHash, now) {
      const hash = txHash.toLowerCase();
      return inTransaction(() => {
        const existing = get(id);
        if (existing) {
          if (existing.chain !== chain || existing.txHash !== hash) {
            throw new WithdrawalConflictError(
              `withdrawal ${id} is ${existing.chain}:${existing.txHash} in the store, not ${chain}:${hash}`,
            );
          }
          return existing;
        }
        const claimant = byTx.get(chain, hash);
        if (claimant) {
          throw new WithdrawalConflictError(
            `tx ${hash} is already claimed by withdrawal ${String(claimant.id)}`,
          );
        }
        insert.run(id, chain, hash, now, now);
        return get(id) as TrackedWithdrawal;
      });
    },
    get,
    wait(id, reason, detail, unknown, now) {
      return Number(setWaiting.run(reason, detail, now, unknown ? 1 : 0, now, id).changes) === 1;
    },
    refuse(id, reason, detail, now) {
      return Number(setRefused.run(reason, detail, now, id).changes) === 1;
    },
    release(record) {
      return inTransaction((): ReleaseResult | undefined => {
        const before = releaseOf(record.withdrawalId);
        if (before) return { newly: false, release: before };
        const changed = setReleased.run(record.releasedAt, record.withdrawalId).changes;
        if (Number(changed) !== 1) return undefined;
        const r = record;
        insertRelease.run(
          r.withdrawalId,
          r.chain,
          r.txHash,
          r.blockNumber,
          r.blockHash,
          r.gridHeight,
          r.btcHeight,
          r.votedPower,
          r.totalPower,
          r.verification,
          r.releasedAt,
        );
        return { newly: true, release: r };
      });
    },
    releaseOf,
    releases: () => allReleases.all().map(toRelease),
    close: () => db.close(),
  };
}
