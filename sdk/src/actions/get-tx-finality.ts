import { hashParam } from "../params.ts";
import type { Hash, TxFinality } from "../types.ts";
import { type CallOptions, type ClientContext, isDecision } from "./context.ts";

/** The transaction's block and that block's finality; `block` is null while the transaction is pending. */
export async function getTxFinality(
  ctx: ClientContext,
  hash: Hash,
  options: CallOptions = {},
): Promise<TxFinality> {
  const { body } = await ctx.transport.request({
    method: "get",
    path: "/v1/chains/{chain}/txs/{txHash}/finality",
    params: { chain: ctx.chain, txHash: hashParam(hash, "txHash") },
    signal: options.signal,
    conditional: true,
    accept: isDecision,
  });
  return body as TxFinality;
}
