/**
 * @module Inclusion, cheaply: one poller of the L2 head for the whole load (not a receipt poller per transaction),
 * reading each new block's transaction hashes once.
 */
import type { Hash, PublicClient } from "viem";

export type IncludedBlock = { number: number; hash: Hash; txs: readonly Hash[] };

/** Calls `onBlock` for every block above `after`, in order, until `signal` aborts. Errors are retried. */
export function followBlocks(
  client: PublicClient,
  after: bigint,
  onBlock: (block: IncludedBlock) => void,
  signal: AbortSignal,
  pollMs = 250,
): Promise<void> {
  let next = after + 1n;
  return (async () => {
    while (!signal.aborted) {
      try {
        // cacheTime 0: viem otherwise answers getBlockNumber from a 4 s cache.
        const head = await client.getBlockNumber({ cacheTime: 0 });
        for (; next <= head && !signal.aborted; next++) {
          const block = await client.getBlock({ blockNumber: next });
          onBlock({ number: Number(block.number), hash: block.hash, txs: block.transactions });
        }
      } catch {
        // A missed poll is caught up by the next one (`next` only moves past blocks that were read).
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  })();
}
