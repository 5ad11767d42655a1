/** @module Proves (or refutes) that a block is an ancestor of another by walking parent hashes. */
import type { L2Client } from "./create-l2-client.ts";
import { InvalidBlockIdError } from "./errors.ts";
import { getBlockRef } from "./get-block-ref.ts";
import type { BlockRef, Hex } from "./types.ts";

export type IsAncestorArgs = {
  /** The block to walk down from (its own `parentHash` is the first link). */
  readonly descendant: BlockRef;
  readonly ancestorNumber: bigint;
  readonly ancestorHash: Hex;
  /** Largest `descendant.number − ancestorNumber` accepted (default 1 024). */
  readonly maxSteps?: number;
};

/**
 * Whether `(ancestorNumber, ancestorHash)` is on the parent-hash chain of `descendant`: a block is
 * its own ancestor; a higher height is never one.
 *
 * The intermediate blocks are first read by number in one batch (the common case: the descendant
 * is canonical); every link is still checked by hash, and where the by-number block is not the
 * parent the walk falls back to reading that parent by hash. The ancestor block itself is never
 * read: the hash its child names is compared with `ancestorHash`.
 *
 * JSON-RPC: `eth_getBlockByNumber` × (distance − 1) batched, plus `eth_getBlockByHash` per link
 * that is off the node's canonical chain.
 *
 * @throws {InvalidBlockIdError} distance greater than `maxSteps` (nothing is sent).
 * @throws {BlockNotFoundError} a parent hash the node does not know.
 * @throws {UpstreamUnavailableError} transport failure.
 */
export async function isAncestor(client: L2Client, args: IsAncestorArgs): Promise<boolean> {
  const { descendant, ancestorNumber } = args;
  const ancestorHash = args.ancestorHash.toLowerCase();
  const maxSteps = BigInt(args.maxSteps ?? 1_024);
  if (ancestorNumber > descendant.number) return false;
  const distance = descendant.number - ancestorNumber;
  if (distance > maxSteps)
    throw new InvalidBlockIdError(`Ancestry distance ${distance} exceeds ${maxSteps} blocks`, {
      field: "ancestorNumber",
    });
  if (distance === 0n) return descendant.hash.toLowerCase() === ancestorHash;

  const heights: bigint[] = [];
  for (let n = descendant.number - 1n; n > ancestorNumber; n--) heights.push(n);
  const byNumber = await Promise.all(heights.map((n) => getBlockRef(client, n)));

  let expected = descendant.parentHash.toLowerCase() as Hex;
  for (const candidate of byNumber) {
    const parent = candidate.hash === expected ? candidate : await getBlockRef(client, expected);
    expected = parent.parentHash;
  }
  return expected === ancestorHash;
}
