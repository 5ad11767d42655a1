/**
 * @module Randomness commits of one FP: plans the next commit ahead of the L2 head, and rebuilds the proofs of a
 * commit found on Babylon but not in the store (a new home for a key that already voted). Randomness is
 * deterministic per key, BSN and height, so the same range gives the same commitment; a commitment that differs
 * was made with other randomness and its heights cannot be voted by this key.
 */
import { bytesToHex } from "../crypto/index.ts";
import type { FinalityProviderSigner } from "../provider/index.ts";
import type { CommitRecord, FpStore } from "./store.ts";

/** A commit as the contract stores it. */
export type ChainCommit = {
  startHeight: number;
  numPubRand: number;
  interval: number;
  commitmentHex: string;
};

/** What the daemon reads about its commits from Babylon. */
export type CommitReader = {
  last(): Promise<ChainCommit | null>;
  forHeight(height: number): Promise<ChainCommit | null>;
};

export type Grid = { activation: number; interval: number };

/** The first grid height at or above `height`. */
export function onGrid(grid: Grid, height: number): number {
  if (height <= grid.activation) return grid.activation;
  return grid.activation + Math.ceil((height - grid.activation) / grid.interval) * grid.interval;
}

export const endOf = (c: { startHeight: number; numPubRand: number; interval: number }): number =>
  c.startHeight + (c.numPubRand - 1) * c.interval;

/** The highest height any recorded commit covers, or null. */
export function committedTo(commits: readonly CommitRecord[], state?: CommitRecord["state"]): number | null {
  let top: number | null = null;
  for (const c of commits)
    if (state === undefined || c.state === state) top = Math.max(top ?? c.endHeight, c.endHeight);
  return top;
}

/**
 * Rebuilds `commit`'s proofs into the store when this key's randomness gives the same commitment; records it as
 * accepted (it is on Babylon). False when the commitment differs (nothing usable is stored).
 */
export async function adoptChainCommit(
  signer: FinalityProviderSigner,
  store: FpStore,
  commit: ChainCommit,
): Promise<boolean> {
  const rebuilt = await signer.commitPublicRandomness({
    startHeight: commit.startHeight,
    numPubRand: commit.numPubRand,
  });
  if (bytesToHex(rebuilt.commit.commitment) !== commit.commitmentHex) return false;
  store.saveCommit({
    startHeight: commit.startHeight,
    numPubRand: commit.numPubRand,
    interval: commit.interval,
    endHeight: endOf(commit),
    commitmentHex: commit.commitmentHex,
    state: "accepted",
  });
  return true;
}

/**
 * Builds the next commit if fewer than `margin` committed heights remain ahead of `ahead` (the L2 head or the vote
 * cursor, whichever is higher) and none is pending; stores its proofs, records it and puts it in the outbox.
 * Returns the new commit, or null.
 */
export async function planCommit(
  signer: FinalityProviderSigner,
  store: FpStore,
  parameters: { grid: Grid; ahead: number; cursor: number; margin: number; size: number },
): Promise<CommitRecord | null> {
  const { grid, ahead, cursor, margin, size } = parameters;
  const commits = store.listCommits();
  if (commits.some((c) => c.state === "pending")) return null;
  const top = committedTo(commits);
  if (top !== null && top >= ahead + margin) return null;
  // Never below the cursor (those heights are voted or given up), never overlapping the last commit.
  const start = Math.max(onGrid(grid, cursor), top === null ? grid.activation : onGrid(grid, top + 1));
  const built = await signer.commitPublicRandomness({ startHeight: start, numPubRand: size });
  const record: CommitRecord = {
    startHeight: start,
    numPubRand: size,
    interval: grid.interval,
    endHeight: start + (size - 1) * grid.interval,
    commitmentHex: bytesToHex(built.commit.commitment),
    state: "pending",
  };
  // Outbox first: after a crash between the two, the same range is planned again, and the same randomness gives
  // the same commitment, so the record matches the message already waiting (whose key makes the new one a no-op).
  store.enqueue([
    {
      key: `commit:${start}`,
      kind: "commit",
      height: start,
      body: built.msg.commit_public_randomness as unknown as Record<string, unknown>,
    },
  ]);
  store.saveCommit(record);
  return record;
}
