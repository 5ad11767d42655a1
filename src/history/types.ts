/** @module What the vote history holds: a finalized grid height and how each finality provider took part in it. */

/** How an FP took part in a grid height (stored as a small integer, see `migrations/0001_vote_history.sql`). */
export type VoteKind = "voted" | "late" | "missed" | "equivocated";

export const VOTE_CODES: Readonly<Record<VoteKind, number>> = {
  missed: 0,
  voted: 1,
  late: 2,
  equivocated: 3,
};
export const VOTE_KINDS: readonly VoteKind[] = ["missed", "voted", "late", "equivocated"];

/** A grid height as it settled: its block, the BTC height of its power table, and every FP's part in it. */
export type SettledHeight = {
  number: number;
  hash: `0x${string}`;
  timestamp: number;
  /** Unix seconds: when the edge proved the block finalized. */
  finalizedAt: number;
  btcHeight: number;
  votes: readonly { fpBtcPk: string; power: bigint; vote: VoteKind }[];
};

/** A vote that landed through the edge after its height settled. */
export type LateVote = { height: number; hash: string; fpBtcPk: string };
