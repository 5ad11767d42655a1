/** @module The contract's `compute_end_height` with its checked u64 arithmetic. */
import { ContractRuleError } from "./errors.ts";

const U64_MAX = (1n << 64n) - 1n;

/**
 * `start + (num − 1)·interval`, the last height a commit covers. `num = 0` underflows and any
 * step past 2^64 − 1 overflows; both are the contract's `OverflowInBlockHeight{start_height}`.
 */
export function commitEndHeight(
  startHeight: bigint,
  numPubRand: bigint,
  interval: bigint,
  field = "num_pub_rand",
): bigint {
  const end = numPubRand === 0n ? -1n : startHeight + (numPubRand - 1n) * interval;
  if (end < 0n || end > U64_MAX || (numPubRand - 1n) * interval > U64_MAX) {
    throw new ContractRuleError(
      "overflow_in_block_height",
      `Block height overflow detected for start height ${startHeight}`,
      {
        field,
      },
    );
  }
  return end;
}
