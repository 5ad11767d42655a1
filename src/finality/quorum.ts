/** @module Quorum arithmetic in bigint. */
import type { CountedVoter, PowerTable, Quorum, QuorumRatio, Voter } from "./types.ts";

/**
 * Counts `votes` against `table`: each FP once (first vote wins), with its power if it is in the
 * table with power > 0, else listed with power 0. Reached iff `voted · den ≥ total · num`;
 * `threshold = ceil(total · num / den)`. A total of 0 never reaches quorum.
 */
export function countQuorum(
  votes: readonly Voter[],
  table: PowerTable,
  ratio: QuorumRatio,
): { quorum: Quorum; voters: CountedVoter[] } {
  const power = new Map<string, bigint>();
  let totalPower = 0n;
  for (const [pk, p] of table.power) {
    if (p <= 0n) continue;
    const key = pk.toLowerCase();
    power.set(key, (power.get(key) ?? 0n) + p);
    totalPower += p;
  }
  const seen = new Set<string>();
  const voters: CountedVoter[] = [];
  let votedPower = 0n;
  for (const vote of votes) {
    const key = vote.fpBtcPk.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    const p = power.get(key) ?? 0n;
    votedPower += p;
    voters.push({ ...vote, power: p });
  }
  const threshold = (totalPower * ratio.numerator + ratio.denominator - 1n) / ratio.denominator;
  const reached = totalPower > 0n && votedPower * ratio.denominator >= totalPower * ratio.numerator;
  return { quorum: { votedPower, totalPower, threshold, reached }, voters };
}
