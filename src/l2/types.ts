/** @module Shapes the L2 reader returns. */

/** A 0x-prefixed hex string (the same shape as viem's `Hex`). */
export type Hex = `0x${string}`;

/** A block as the finality rule needs it: identity (number + hash), its parent link and its timestamp. */
export type BlockRef = {
  readonly number: bigint;
  readonly hash: Hex;
  readonly parentHash: Hex;
  /** Unix seconds. */
  readonly timestamp: bigint;
};

/** Named block tags the reader accepts. */
export type BlockTag = "latest" | "safe" | "finalized";

/** How a caller names a block: a height, a 32-byte `0x` hash, or a tag. */
export type BlockId = bigint | number | Hex | BlockTag;
