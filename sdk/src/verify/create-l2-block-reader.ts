/** @module `createL2BlockReader`: an {@link L2BlockReader} over an L2 JSON-RPC node, through the edge's L2 reader. */
import {
  BlockNotFoundError,
  createL2Client,
  getBlockRef,
  type L2Client,
  type L2ClientOptions,
} from "../../../src/l2/index.ts";
import type { L2BlockReader } from "./types.ts";

/**
 * Reads blocks by number from `node` (a JSON-RPC URL, or a viem public client — e.g. one over a light client's
 * EIP-1193 provider) with the edge's own `getBlockRef`; a block past the head is `null`. Only as trustworthy as
 * that node: use one you run or verify.
 */
export function createL2BlockReader(node: string | L2Client, options: L2ClientOptions = {}): L2BlockReader {
  const client = typeof node === "string" ? createL2Client(node, options) : node;
  return {
    async blockAt(number) {
      try {
        return await getBlockRef(client, number);
      } catch (error) {
        if (error instanceof BlockNotFoundError) return null;
        throw error;
      }
    },
  };
}
