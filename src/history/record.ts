/**
 * @module Writes to the vote history (D1). Each call returns prepared statements for one `batch()`, which D1 runs
 * as one transaction: a grid height and its FP rows land together or not at all, and writing one twice is a no-op
 * change (rows are replaced by their keys).
 */
import { type LateVote, type SettledHeight, VOTE_CODES } from "./types.ts";

/** SQLite's limit on bound parameters per statement is 100 in D1: FP rows go in chunks below it. */
const ROWS_PER_INSERT = 16;

export function settledHeightStatements(
  db: D1Database,
  chain: string,
  heights: readonly SettledHeight[],
  now: number,
): D1PreparedStatement[] {
  const statements: D1PreparedStatement[] = [];
  for (const h of heights) {
    const counted = h.votes.filter((v) => v.vote === "voted" || v.vote === "late");
    const voted = counted.reduce((sum, v) => sum + v.power, 0n);
    const total = h.votes.reduce((sum, v) => sum + v.power, 0n);
    statements.push(
      db
        .prepare(
          "INSERT OR REPLACE INTO grid_heights (chain, height, hash, timestamp, finalized_at, btc_height, voted_power, total_power, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(
          chain,
          h.number,
          h.hash,
          h.timestamp,
          h.finalizedAt,
          h.btcHeight,
          Number(voted),
          Number(total),
          now,
        ),
      db.prepare("DELETE FROM fp_votes WHERE chain = ? AND height = ?").bind(chain, h.number),
    );
    for (let i = 0; i < h.votes.length; i += ROWS_PER_INSERT) {
      const chunk = h.votes.slice(i, i + ROWS_PER_INSERT);
      statements.push(
        db
          .prepare(
            `INSERT INTO fp_votes (chain, fp, height, power, vote) VALUES ${chunk.map(() => "(?, ?, ?, ?, ?)").join(", ")}`,
          )
          .bind(...chunk.flatMap((v) => [chain, v.fpBtcPk, h.number, Number(v.power), VOTE_CODES[v.vote]])),
      );
    }
  }
  return statements;
}

/**
 * A vote that landed after its height settled turns the FP's `missed` row into `late`, and adds its power to the
 * height's voted power — only for the recorded block's hash, and only once (the row must still say missed).
 */
export function lateVoteStatements(
  db: D1Database,
  chain: string,
  late: readonly LateVote[],
): D1PreparedStatement[] {
  return late.flatMap((v) => [
    db
      .prepare(
        "UPDATE grid_heights SET voted_power = voted_power + (SELECT power FROM fp_votes WHERE chain = ?1 AND height = ?2 AND fp = ?3 AND vote = 0) WHERE chain = ?1 AND height = ?2 AND hash = ?4 AND EXISTS (SELECT 1 FROM fp_votes WHERE chain = ?1 AND height = ?2 AND fp = ?3 AND vote = 0)",
      )
      .bind(chain, v.height, v.fpBtcPk, v.hash),
    db
      .prepare(
        "UPDATE fp_votes SET vote = 2 WHERE chain = ?1 AND height = ?2 AND fp = ?3 AND vote = 0 AND EXISTS (SELECT 1 FROM grid_heights WHERE chain = ?1 AND height = ?2 AND hash = ?4)",
      )
      .bind(chain, v.height, v.fpBtcPk, v.hash),
  ]);
}

/** Drops heights finalized before `before` (unix seconds), with their FP rows. */
export function pruneStatements(db: D1Database, chain: string, before: number): D1PreparedStatement[] {
  return [
    db
      .prepare(
        "DELETE FROM fp_votes WHERE chain = ?1 AND height IN (SELECT height FROM grid_heights WHERE chain = ?1 AND finalized_at < ?2)",
      )
      .bind(chain, before),
    db.prepare("DELETE FROM grid_heights WHERE chain = ? AND finalized_at < ?").bind(chain, before),
  ];
}
