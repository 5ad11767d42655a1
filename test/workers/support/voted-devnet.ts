/**
 * @module Votes on a running emulator + anvil pair with the devnet FPs (`devnet/fleet/voter.ts`): commits
 * randomness for all four FPs, waits for the commit epoch to be finalized, then votes per block with the
 * given FP subsets. Powers at the start: fp-1 4.0M, fp-2 3.0M, fp-3 2.0M, fp-4 1.0M sat (10.0M):
 * fp-1+fp-2 (7.0M) reach 2/3, fp-1+fp-3 (6.0M) do not.
 */

import type { DevnetGenesis } from "../../../devnet/babylon/genesis.ts";
import { defaultGenesis } from "../../../devnet/babylon/genesis-load.ts";
import { startVoters, type Voters } from "../../../devnet/fleet/voter.ts";

export const ALL_FPS = ["fp-1", "fp-2", "fp-3", "fp-4"];
export const QUORUM_FPS = ["fp-1", "fp-2"];
export const BELOW_QUORUM_FPS = ["fp-1", "fp-3"];

/** Fast emulator timing for voting scenarios (a commit becomes usable within about a second). */
export const FAST_EMULATOR_ENV = { BABYLON_BLOCK_MS: "100", EPOCH_BLOCKS: "5", FINALIZE_DELAY: "2" };

export type VotedBlock = { number: number; hash: string; voters: string[] };

/**
 * Commits randomness for heights 1…`commitCount` and votes: `plan[h]` lists the FPs voting on block h
 * (blocks missing from the plan get no votes). Returns each voted block's hash and the FPs' public keys.
 */
export async function voteOnDevnet(options: {
  babylonRpcUrl: string;
  contractAddress: string;
  chainId: string;
  l2RpcUrl: string;
  plan: Map<number, string[]>;
  commitCount: number;
  timeoutMs?: number;
  /** The emulator's genesis (default: the bundled one). */
  genesis?: DevnetGenesis;
  /** Runs once the commits are usable, before any vote (e.g. mining the L2 blocks to vote on). */
  beforeVotes?: () => Promise<void>;
  /** Runs after the planned votes, with the voters still up (e.g. an equivocation). */
  afterVotes?: (voters: Voters) => Promise<void>;
}): Promise<{ blocks: VotedBlock[]; publicKeys: Record<string, string> }> {
  const genesis = options.genesis ?? defaultGenesis();
  const voters = await startVoters({ ...options, genesis, fps: ALL_FPS });
  try {
    await voters.commit(1, options.commitCount);
    await voters.waitCommitsUsable(options.timeoutMs ?? 60_000);
    await options.beforeVotes?.();
    // Group heights by voter set: one multi-message tx per FP and group.
    const groups = new Map<string, number[]>();
    for (const [height, fps] of options.plan) {
      const key = fps.join(",");
      groups.set(key, [...(groups.get(key) ?? []), height]);
    }
    for (const [key, heights] of groups) {
      if (key === "") continue;
      for (let i = 0; i < heights.length; i += 10)
        await voters.voteMany(heights.slice(i, i + 10), key.split(","));
    }
    const blocks: VotedBlock[] = [];
    for (const [number, fps] of [...options.plan].sort(([a], [b]) => a - b)) {
      blocks.push({ number, hash: await voters.blockHash(number), voters: fps });
    }
    await options.afterVotes?.(voters);
    return { blocks, publicKeys: { ...voters.publicKeys } };
  } finally {
    voters.stop();
  }
}
