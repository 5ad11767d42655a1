import { fpBtcPkParam, heightParam } from "../params.ts";
import type { EquivocationEvidence } from "../types.ts";
import { type CallOptions, type ClientContext, isObject } from "./context.ts";

/** The evidence the edge kept of an FP's two votes at a height (404 `evidence_not_found`, a `NotFoundError`, when there is none). */
export async function getEquivocation(
  ctx: ClientContext,
  fpBtcPk: string,
  height: number | bigint,
  options: CallOptions = {},
): Promise<EquivocationEvidence> {
  const { body } = await ctx.transport.request({
    method: "get",
    path: "/v1/chains/{chain}/equivocations/{fpBtcPk}/{height}",
    params: {
      chain: ctx.chain,
      fpBtcPk: fpBtcPkParam(fpBtcPk),
      height: String(heightParam(height, "height")),
    },
    signal: options.signal,
    accept: (b) => isObject(b) && typeof b.forkBlockHash === "string",
  });
  return body;
}
