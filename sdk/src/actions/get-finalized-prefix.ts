import { InvalidRequestError } from "../errors/index.ts";
import { hashParam, heightParam } from "../params.ts";
import type { BlockRef, Hash } from "../types.ts";
import { type CallOptions, type ClientContext, isObject } from "./context.ts";

/** The edge takes at most this many blocks per range request. */
export const MAX_RANGE_BLOCKS = 100;

/**
 * The last block of the longest BTC-finalized prefix of `blocks` (consecutive heights, ascending, each hash
 * checked against the canonical chain), or null when the first is not finalized or the list is empty. Longer
 * lists go in chunks of 100; it stops at the first chunk that is not finalized to its end.
 */
export async function getFinalizedPrefix(
  ctx: ClientContext,
  blocks: readonly { number: number | bigint; hash: Hash }[],
  options: CallOptions = {},
): Promise<BlockRef | null> {
  const refs = blocks.map((b, i) => ({
    number: heightParam(b?.number, `blocks[${i}].number`),
    hash: hashParam(b?.hash, `blocks[${i}].hash`),
  }));
  // Checked here as the edge checks one request: chunks would each pass, but the whole list must be a run.
  refs.forEach((b, i) => {
    const first = refs[0]?.number ?? 0;
    if (b.number !== first + i) {
      throw new InvalidRequestError("Invalid argument", {
        code: "invalid_request",
        field: `blocks[${i}].number`,
        details: `blocks must have consecutive heights: blocks[${i}].number is ${b.number}, expected ${first + i}`,
      });
    }
  });
  let last: BlockRef | null = null;
  for (let start = 0; start < refs.length; start += MAX_RANGE_BLOCKS) {
    const chunk = refs.slice(start, start + MAX_RANGE_BLOCKS);
    const { body } = await ctx.transport.request({
      method: "post",
      path: "/v1/chains/{chain}/finality/range",
      params: { chain: ctx.chain },
      body: { blocks: chunk },
      signal: options.signal,
      accept: (b) => isObject(b) && (b.lastFinalized === null || isObject(b.lastFinalized)),
    });
    if (body.lastFinalized === null) return last;
    last = { number: body.lastFinalized.number, hash: body.lastFinalized.hash as Hash };
    if (last.number !== chunk[chunk.length - 1]?.number) return last;
  }
  return last;
}
