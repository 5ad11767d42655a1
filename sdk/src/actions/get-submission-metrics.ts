import type { SubmissionMetrics } from "../types.ts";
import { type CallOptions, type ClientContext, isObject } from "./context.ts";

/** The edge's submission counters for the chain: accepted, duplicates, refusals by rule, relayed, … */
export async function getSubmissionMetrics(
  ctx: ClientContext,
  options: CallOptions = {},
): Promise<SubmissionMetrics> {
  const { body } = await ctx.transport.request({
    method: "get",
    path: "/v1/chains/{chain}/submission-metrics",
    params: { chain: ctx.chain },
    signal: options.signal,
    accept: (b) => isObject(b) && isObject(b.accepted),
  });
  return body;
}
