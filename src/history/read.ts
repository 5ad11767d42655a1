/** @module Reads of the vote history (D1): what the participation endpoints and the dashboard show. */
import { VOTE_KINDS, type VoteKind } from "./types.ts";

const kindOf = (code: number): VoteKind => VOTE_KINDS[code] ?? "missed";

/** The highest grid height recorded for the chain (null: none yet). */
export async function recordedTo(db: D1Database, chain: string): Promise<number | null> {
  const row = await db
    .prepare("SELECT MAX(height) AS height FROM grid_heights WHERE chain = ?")
    .bind(chain)
    .first<{ height: number | null }>();
  return row?.height ?? null;
}

export type FpVote = {
  block: { number: number; hash: string };
  btcHeight: number;
  power: string;
  vote: VoteKind;
};

/** One FP's rows in `[from, to]` above `after`, ascending; `next` is the last height returned when more follow. */
export async function fpVotes(
  db: D1Database,
  chain: string,
  fp: string,
  range: { from: number; to: number; after: number; limit: number },
): Promise<{ votes: FpVote[]; next: number | null }> {
  const { results } = await db
    .prepare(
      "SELECT v.height, g.hash, g.btc_height, CAST(v.power AS TEXT) AS power, v.vote FROM fp_votes v JOIN grid_heights g ON g.chain = v.chain AND g.height = v.height WHERE v.chain = ? AND v.fp = ? AND v.height BETWEEN ? AND ? AND v.height > ? ORDER BY v.height LIMIT ?",
    )
    .bind(chain, fp, range.from, range.to, range.after, range.limit + 1)
    .all<{ height: number; hash: string; btc_height: number; power: string; vote: number }>();
  const page = results.slice(0, range.limit);
  return {
    votes: page.map((r) => ({
      block: { number: r.height, hash: r.hash },
      btcHeight: r.btc_height,
      power: r.power,
      vote: kindOf(r.vote),
    })),
    next: results.length > range.limit ? (page.at(-1)?.height ?? null) : null,
  };
}

export type FpParticipation = {
  fpBtcPk: string;
  /** Grid heights in the range at which the FP had a row (voting power, or a vote). */
  gridHeights: number;
  votes: number;
  late: number;
  missed: number;
  equivocated: number;
  /** (votes + late) / gridHeights. */
  participation: number;
  /** Σ power of the heights it voted (in time or late) / Σ its power over the range. */
  powerWeightedParticipation: number;
  /** Σ power at the heights it voted, and Σ power at all its heights (sats, exact decimal strings). */
  votedPower: string;
  power: string;
};

/** Per FP over the grid heights recorded in `[from, to]`; `gridHeights` is how many heights are recorded there. */
export async function participation(
  db: D1Database,
  chain: string,
  from: number,
  to: number,
): Promise<{ gridHeights: number; providers: FpParticipation[] }> {
  const [heights, rows] = await db.batch<Record<string, unknown>>([
    db
      .prepare("SELECT COUNT(*) AS n FROM grid_heights WHERE chain = ? AND height BETWEEN ? AND ?")
      .bind(chain, from, to),
    db
      .prepare(
        "SELECT fp, COUNT(*) AS heights, SUM(vote = 1) AS votes, SUM(vote = 2) AS late, SUM(vote = 0) AS missed, SUM(vote = 3) AS equivocated, CAST(SUM(CASE WHEN vote IN (1, 2) THEN power ELSE 0 END) AS TEXT) AS voted_power, CAST(SUM(power) AS TEXT) AS power FROM fp_votes WHERE chain = ? AND height BETWEEN ? AND ? GROUP BY fp ORDER BY fp",
      )
      .bind(chain, from, to),
  ]);
  const providers = ((rows?.results ?? []) as ParticipationRow[]).map((r) => {
    const voted = r.votes + r.late;
    const power = BigInt(r.power);
    return {
      fpBtcPk: r.fp,
      gridHeights: r.heights,
      votes: r.votes,
      late: r.late,
      missed: r.missed,
      equivocated: r.equivocated,
      participation: r.heights === 0 ? 0 : voted / r.heights,
      powerWeightedParticipation: power === 0n ? 0 : ratio(BigInt(r.voted_power), power),
      votedPower: r.voted_power,
      power: r.power,
    };
  });
  return { gridHeights: Number((heights?.results[0] as { n: number } | undefined)?.n ?? 0), providers };
}

type ParticipationRow = {
  fp: string;
  heights: number;
  votes: number;
  late: number;
  missed: number;
  equivocated: number;
  voted_power: string;
  power: string;
};

/** a / b to 12 decimals, exact for sums past 2^53. */
function ratio(a: bigint, b: bigint): number {
  return Number((a * 1_000_000_000_000n) / b) / 1e12;
}

export type HeightVotes = {
  block: { number: number; hash: string };
  timestamp: number;
  finalizedAt: number;
  btcHeight: number;
  votedPower: string;
  totalPower: string;
  votes: { fpBtcPk: string; power: string; vote: VoteKind }[];
};

/** The recorded grid heights in `[from, to]` (at most `limit`, the newest when more), ascending, with every FP row. */
export async function heightVotes(
  db: D1Database,
  chain: string,
  range: { from: number; to: number; limit: number },
): Promise<HeightVotes[]> {
  const { results: heights } = await db
    .prepare(
      "SELECT height, hash, timestamp, finalized_at, btc_height, CAST(voted_power AS TEXT) AS voted_power, CAST(total_power AS TEXT) AS total_power FROM grid_heights WHERE chain = ? AND height BETWEEN ? AND ? ORDER BY height DESC LIMIT ?",
    )
    .bind(chain, range.from, range.to, range.limit)
    .all<{
      height: number;
      hash: string;
      timestamp: number;
      finalized_at: number;
      btc_height: number;
      voted_power: string;
      total_power: string;
    }>();
  if (heights.length === 0) return [];
  heights.reverse();
  const low = heights[0]?.height ?? 0;
  const high = heights.at(-1)?.height ?? 0;
  const { results: rows } = await db
    .prepare(
      "SELECT height, fp, CAST(power AS TEXT) AS power, vote FROM fp_votes WHERE chain = ? AND height BETWEEN ? AND ? ORDER BY height, fp",
    )
    .bind(chain, low, high)
    .all<{ height: number; fp: string; power: string; vote: number }>();
  const byHeight = new Map<number, HeightVotes["votes"]>();
  for (const r of rows) {
    const list = byHeight.get(r.height) ?? [];
    list.push({ fpBtcPk: r.fp, power: r.power, vote: kindOf(r.vote) });
    byHeight.set(r.height, list);
  }
  return heights.map((h) => ({
    block: { number: h.height, hash: h.hash },
    timestamp: h.timestamp,
    finalizedAt: h.finalized_at,
    btcHeight: h.btc_height,
    votedPower: h.voted_power,
    totalPower: h.total_power,
    votes: byHeight.get(h.height) ?? [],
  }));
}

export type LagPoint = { number: number; timestamp: number; finalizedAt: number };

/** Heights finalized since `since` (unix seconds), ascending, thinned evenly to at most `maxPoints` (the last kept). */
export async function lagPoints(
  db: D1Database,
  chain: string,
  since: number,
  maxPoints: number,
): Promise<LagPoint[]> {
  const { results } = await db
    .prepare(
      "SELECT height, timestamp, finalized_at FROM grid_heights WHERE chain = ? AND finalized_at >= ? ORDER BY height",
    )
    .bind(chain, since)
    .all<{ height: number; timestamp: number; finalized_at: number }>();
  const step = Math.max(1, Math.ceil(results.length / maxPoints));
  return results
    .filter((_, i) => i % step === 0 || i === results.length - 1)
    .map((r) => ({ number: r.height, timestamp: r.timestamp, finalizedAt: r.finalized_at }));
}
