/** @module Which commit covers a height (`get_pub_rand_commit_for_height`), as pure functions. */
import { bytesToHex } from "../crypto/index.ts";
import { configU64, decodeU64 } from "./decode.ts";
import { ContractRuleError } from "./errors.ts";
import type { CommitRecord, U64Input } from "./types.ts";

const U64_MAX = (1n << 64n) - 1n;

/** `contains_height`: `height = start + i·interval` for some `i < num`. A commit whose end overflows covers nothing. */
export function commitCoversHeight(commit: CommitRecord, height: U64Input): boolean {
  const h = decodeU64(height, "height");
  const start = configU64(commit.start_height, "start_height");
  const num = configU64(commit.num_pub_rand, "num_pub_rand");
  const interval = configU64(commit.interval, "interval");
  if (h < start || num === 0n || interval === 0n) return false;
  const end = start + (num - 1n) * interval;
  if (end > U64_MAX || h > end) return false;
  return (h - start) % interval === 0n;
}

/**
 * The covering commit the contract would pick: among commits starting at or below `height`, the
 * one with the highest start that contains it. Otherwise `MissingPubRandCommit`, whose text names
 * the key as lowercase hex of its bytes.
 */
export function findCoveringCommit<C extends CommitRecord>(
  commits: readonly C[],
  height: U64Input,
  fpPubkey: Uint8Array,
): C {
  const h = decodeU64(height, "height");
  const candidates = commits
    .filter((c) => configU64(c.start_height, "start_height") <= h)
    .sort((a, b) => {
      const d = configU64(b.start_height, "start_height") - configU64(a.start_height, "start_height");
      return d > 0n ? 1 : d < 0n ? -1 : 0;
    });
  const found = candidates.find((c) => commitCoversHeight(c, h));
  if (found === undefined) {
    throw new ContractRuleError(
      "missing_pub_rand_commit",
      `Public randomness not found for finality provider ${bytesToHex(fpPubkey)} at height ${h}`,
      { field: "height" },
    );
  }
  return found;
}
