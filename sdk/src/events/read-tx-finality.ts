/** @module A transaction's answer for following it: `null` while the L2 node does not know the transaction. */
import type { ClientContext } from "../actions/context.ts";
import { getTxFinality } from "../actions/get-tx-finality.ts";
import { NotFoundError } from "../errors/index.ts";
import type { Hash, TxFinality } from "../types.ts";

export async function readTxFinality(
  ctx: ClientContext,
  hash: string,
  signal: AbortSignal,
): Promise<TxFinality | null> {
  try {
    return await getTxFinality(ctx, hash as Hash, { signal });
  } catch (error) {
    // The node may not have the transaction yet (just sent, or seen by another node first): keep asking.
    if (error instanceof NotFoundError && error.code === "tx_not_found") return null;
    throw error;
  }
}
