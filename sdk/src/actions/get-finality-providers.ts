import { InvalidRequestError } from "../errors/index.ts";
import type { FinalityProviders } from "../types.ts";
import { type CallOptions, type ClientContext, isObject } from "./context.ts";

export type GetFinalityProvidersOptions = CallOptions & {
  /** Grid heights (up to the L2 head) whose votes are counted per FP: 1–100, default 100 (the edge's). */
  window?: number | undefined;
};

/** Each FP's power now, slashing, highest voted height and its votes over the last `window` grid heights. */
export async function getFinalityProviders(
  ctx: ClientContext,
  options: GetFinalityProvidersOptions = {},
): Promise<FinalityProviders> {
  const { window } = options;
  if (window !== undefined && !(Number.isInteger(window) && window >= 1 && window <= 100)) {
    throw new InvalidRequestError("Invalid argument", {
      code: "invalid_request",
      field: "window",
      details: `window must be an integer from 1 to 100, got ${window}`,
    });
  }
  const { body } = await ctx.transport.request({
    method: "get",
    path: "/v1/chains/{chain}/finality-providers",
    params: { chain: ctx.chain },
    query: { window },
    signal: options.signal,
    conditional: true,
    accept: (b) => isObject(b) && Array.isArray(b.providers),
  });
  return body;
}
