import type { ChainStatus } from "../types.ts";
import { type CallOptions, type ClientContext, isObject } from "./context.ts";

/** L2 head, finalized tip and the lag between them, activation, FP count and total power. */
export async function getStatus(ctx: ClientContext, options: CallOptions = {}): Promise<ChainStatus> {
  const { body } = await ctx.transport.request({
    method: "get",
    path: "/v1/chains/{chain}/status",
    params: { chain: ctx.chain },
    signal: options.signal,
    conditional: true,
    accept: (b) => isObject(b) && isObject(b.l2Head) && (b.finalizedTip === null || isObject(b.finalizedTip)),
  });
  return body as ChainStatus;
}
