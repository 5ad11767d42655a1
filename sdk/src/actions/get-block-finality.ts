import { blockIdParam } from "../params.ts";
import type { BlockFinality, BlockId } from "../types.ts";
import { type CallOptions, type ClientContext, isDecision } from "./context.ts";

/**
 * Whether a block is BTC-finalized, with the evidence. By height or hash, a finalized answer is immutable (the
 * edge serves it from its stored bytes; repeated asks are conditional and answered 304).
 */
export async function getBlockFinality(
  ctx: ClientContext,
  blockId: BlockId,
  options: CallOptions = {},
): Promise<BlockFinality> {
  const { body } = await ctx.transport.request({
    method: "get",
    path: "/v1/chains/{chain}/blocks/{blockId}/finality",
    params: { chain: ctx.chain, blockId: blockIdParam(blockId) },
    signal: options.signal,
    conditional: true,
    accept: isDecision,
  });
  return body;
}
