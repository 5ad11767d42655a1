/** @module Reads a range of L2 block references in one batched round trip. */
import type { L2Client } from "./create-l2-client.ts";
import { InvalidBlockIdError, UpstreamUnavailableError } from "./errors.ts";
import { getBlockRef } from "./get-block-ref.ts";
import type { BlockRef } from "./types.ts";

export type GetBlockRefsOptions = {
  /** Largest range accepted (default 100). */
  readonly maxBlocks?: number;
};

/**
 * Returns the blocks `from..to` (inclusive, ascending). All requests are issued at once, so the
 * batching transport sends them as one JSON-RPC batch. The result is checked to be one chain
 * (`refs[i].parentHash === refs[i-1].hash`); a break means the node reorged between reads.
 *
 * JSON-RPC: `eth_getBlockByNumber` × (to − from + 1), batched.
 *
 * @throws {InvalidBlockIdError} `from > to`, negative, or more than `maxBlocks` blocks.
 * @throws {BlockNotFoundError} a height past the node's head.
 * @throws {UpstreamUnavailableError} transport failure, or the blocks do not link (reorg mid-read; retry).
 */
export async function getBlockRefs(
  client: L2Client,
  from: bigint,
  to: bigint,
  options: GetBlockRefsOptions = {},
): Promise<BlockRef[]> {
  const max = options.maxBlocks ?? 100;
  if (from < 0n || to < from) throw new InvalidBlockIdError(`Invalid block range ${from}..${to}`);
  if (to - from + 1n > BigInt(max))
    throw new InvalidBlockIdError(`Block range ${from}..${to} is longer than ${max} blocks`);
  const heights: bigint[] = [];
  for (let n = from; n <= to; n++) heights.push(n);
  const refs = await Promise.all(heights.map((n) => getBlockRef(client, n)));
  for (let i = 1; i < refs.length; i++) {
    const prev = refs[i - 1] as BlockRef;
    const cur = refs[i] as BlockRef;
    if (cur.parentHash !== prev.hash)
      throw new UpstreamUnavailableError("l2", "L2 chain changed while reading a block range", {
        details: `Block ${cur.number} (${cur.hash}) does not have ${prev.hash} as parent; retry.`,
      });
  }
  return refs;
}
