/** @module Polls for a sent tx until a block holds it or the time is up. */
import type { FoundTx } from "./relayer-rpc.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The tx once found, or undefined after `timeoutMs`. A failed poll only means "not seen yet": the tx is in
 * the mempool already, so only the chain can say what became of it.
 */
export async function waitForInclusion(
  findTx: () => Promise<FoundTx | undefined>,
  options: { timeoutMs: number; pollIntervalMs: number },
): Promise<FoundTx | undefined> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return undefined;
    await sleep(Math.min(options.pollIntervalMs, remaining));
    try {
      const found = await findTx();
      if (found) return found;
    } catch {
      // Keep polling until the deadline.
    }
  }
}
