/** @module Reads one L2 block reference by number, hash or tag. */
import type { L2Client } from "./create-l2-client.ts";
import { InvalidBlockIdError } from "./errors.ts";
import { toBlockRef, toReadError } from "./to-block-ref.ts";
import type { BlockId, BlockRef, Hex } from "./types.ts";

const HASH_RE = /^0x[0-9a-fA-F]{64}$/;
const TAGS = new Set(["latest", "safe", "finalized"]);

/**
 * Returns `{ number, hash, parentHash, timestamp }` of the L2 block named by `id`: a height
 * (`bigint` or safe-integer `number`), a 32-byte `0x` hash, or the tag `"latest"`, `"safe"` or
 * `"finalized"`.
 *
 * JSON-RPC: one `eth_getBlockByNumber` (height or tag) or `eth_getBlockByHash` (hash), without
 * transactions.
 *
 * @throws {InvalidBlockIdError} `id` is malformed (nothing is sent).
 * @throws {BlockNotFoundError} the node has no such block (`block_not_found`).
 * @throws {UpstreamUnavailableError} transport failure, timeout, RPC error (`upstream_unavailable`; `cause` kept).
 */
export async function getBlockRef(client: L2Client, id: BlockId): Promise<BlockRef> {
  const label = String(id);
  const params = blockParams(id);
  try {
    const block = await client.getBlock({ ...params, includeTransactions: false });
    return toBlockRef(block, label);
  } catch (err) {
    throw toReadError(err, label);
  }
}

function blockParams(
  id: BlockId,
): { blockNumber: bigint } | { blockHash: Hex } | { blockTag: "latest" | "safe" | "finalized" } {
  if (typeof id === "bigint") {
    if (id < 0n) throw new InvalidBlockIdError(`Block number must not be negative, got ${id}`);
    return { blockNumber: id };
  }
  if (typeof id === "number") {
    if (!Number.isSafeInteger(id) || id < 0)
      throw new InvalidBlockIdError(`Block number must be a non-negative safe integer, got ${id}`);
    return { blockNumber: BigInt(id) };
  }
  if (TAGS.has(id)) return { blockTag: id as "latest" | "safe" | "finalized" };
  if (HASH_RE.test(id)) return { blockHash: id.toLowerCase() as Hex };
  throw new InvalidBlockIdError(`Block id must be a number, a 32-byte 0x hash or a tag, got ${label(id)}`);
}

function label(id: string): string {
  return id.length > 80 ? `${id.slice(0, 80)}…` : id;
}
