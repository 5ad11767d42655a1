import type { Chain } from "../types.ts";
import { type CallOptions, type ClientContext, isObject } from "./context.ts";

/** Every chain the edge serves, with its finality contract's config (null where Babylon could not be read). */
export async function getChains(ctx: ClientContext, options: CallOptions = {}): Promise<Chain[]> {
  const { body } = await ctx.transport.request({
    method: "get",
    path: "/v1/chains",
    signal: options.signal,
    conditional: true,
    accept: (b) => isObject(b) && Array.isArray(b.chains),
  });
  return body.chains;
}
