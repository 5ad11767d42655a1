import { submissionIdParam } from "../params.ts";
import type { Submission } from "../types.ts";
import { type CallOptions, type ClientContext, isObject } from "./context.ts";

/** A submission's record: `queued`, `submitted` (Babylon tx and height), `duplicate` or `failed` (code, message). */
export async function getSubmission(
  ctx: ClientContext,
  id: string,
  options: CallOptions = {},
): Promise<Submission> {
  const { body } = await ctx.transport.request({
    method: "get",
    path: "/v1/chains/{chain}/submissions/{id}",
    params: { chain: ctx.chain, id: submissionIdParam(id) },
    signal: options.signal,
    accept: (b) => isObject(b) && typeof b.status === "string" && typeof b.id === "string",
  });
  return body;
}
