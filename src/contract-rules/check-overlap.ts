/** @module The contract's commit-overlap rule (§9.1 step 14): a pure function of the last commit. */
import { configU64, decodeU64 } from "./decode.ts";
import { commitEndHeight } from "./end-height.ts";
import { ContractRuleError } from "./errors.ts";
import type { CommitRecord, U64Input } from "./types.ts";

const U64_MAX = (1n << 64n) - 1n;

/**
 * The first start height a new commit may use after `lastCommit` (the FP's commit with the highest
 * start): `last_end + last.interval`. Commits may leave gaps but never overlap or go back.
 */
export function nextCommitStartHeight(lastCommit: CommitRecord): bigint {
  const start = configU64(lastCommit.start_height, "start_height");
  const interval = configU64(lastCommit.interval, "interval");
  const lastEnd = commitEndHeight(start, configU64(lastCommit.num_pub_rand, "num_pub_rand"), interval);
  const next = lastEnd + interval;
  if (next > U64_MAX) {
    throw new ContractRuleError(
      "overflow_in_block_height",
      `Block height overflow detected for start height ${lastEnd}`,
      {
        field: "start_height",
      },
    );
  }
  return next;
}

/** Throws `InvalidPubRandHeight` when `startHeight` is below {@link nextCommitStartHeight}; no last commit passes. */
export function checkCommitOverlap(startHeight: U64Input, lastCommit: CommitRecord | null | undefined): void {
  if (lastCommit == null) return;
  const start = decodeU64(startHeight, "start_height");
  const next = nextCommitStartHeight(lastCommit);
  if (start < next) {
    throw new ContractRuleError(
      "invalid_pub_rand_height",
      `The start height (${start}) has overlap with the height of the highest public randomness committed (${next})`,
      { field: "start_height" },
    );
  }
}
