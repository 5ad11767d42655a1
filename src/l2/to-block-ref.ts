/** @module Turns a viem block (or a read failure) into the reader's types. */
import { BlockNotFoundError as ViemBlockNotFoundError } from "viem";
import { BlockNotFoundError, UpstreamUnavailableError } from "./errors.ts";
import type { BlockRef, Hex } from "./types.ts";

type ViemBlockLike = {
  number: bigint | null;
  hash: Hex | null;
  parentHash: Hex;
  timestamp: bigint;
};

/** Projects a viem block to a {@link BlockRef}; a block without number or hash (pending) is upstream garbage. */
export function toBlockRef(block: ViemBlockLike, blockId: string): BlockRef {
  if (block.number === null || block.hash === null)
    throw new UpstreamUnavailableError("l2", "L2 RPC returned a block without number or hash", {
      details: `Asked for ${blockId}.`,
    });
  return {
    number: block.number,
    hash: block.hash.toLowerCase() as Hex,
    parentHash: block.parentHash.toLowerCase() as Hex,
    timestamp: block.timestamp,
  };
}

/** Maps a failed read: viem's "block not found" → {@link BlockNotFoundError}; anything else → upstream. */
export function toReadError(err: unknown, blockId: string): Error {
  if (err instanceof BlockNotFoundError || err instanceof UpstreamUnavailableError) return err;
  if (err instanceof ViemBlockNotFoundError) return new BlockNotFoundError(blockId, { cause: err });
  const message =
    err instanceof Error ? ((err as { shortMessage?: string }).shortMessage ?? err.message) : "";
  return new UpstreamUnavailableError("l2", "L2 RPC unavailable", {
    details: `Reading block ${blockId} failed${message ? `: ${message}` : ""}`,
    cause: err,
  });
}
