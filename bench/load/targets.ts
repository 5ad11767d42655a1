/**
 * @module What the load knows about the stack it hits, learned through the public API only: per chain the real
 * FP keys (so junk can NAME them and reach deep into verification), the live head and finalized tip (kept current
 * by the tip sampler, so junk heights stay near the head), block hashes seen, and a finalized block's real votes.
 */

/** One real vote, as a block answer's `voters` carry it (hex), with its block. */
export type RecentVote = {
  fpBtcPk: string;
  height: number;
  /** 0x-prefixed. */
  blockHash: string;
  pubRand: string;
  signature: string;
};

export type ChainFacts = {
  id: string;
  fpKeys: string[];
  head: number;
  tip: number;
  /** 0x-prefixed hashes of blocks the edge answered about (head, tip), newest last. */
  knownHashes: string[];
  votes: RecentVote[];
};

/** Keeps the newest few hashes: enough variety for by-hash reads without growing during a long run. */
export function rememberHash(facts: ChainFacts, hash: string | undefined): void {
  if (!hash || facts.knownHashes.includes(hash)) return;
  facts.knownHashes.push(hash);
  if (facts.knownHashes.length > 16) facts.knownHashes.shift();
}
