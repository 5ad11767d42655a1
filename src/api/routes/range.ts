/** @module `POST /v1/chains/{chain}/finality/range`: the longest finalized prefix of consecutive blocks. */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { BlocksNotConsecutiveError } from "../../finality/index.ts";
import { longestFinalizedPrefixWithCache } from "../../finality/sources.ts";
import type { Hex } from "../../l2/index.ts";
import { type AppDeps, type AppEnv, chainContext } from "../context.ts";
import { ChainParam, problemContent, RangeRequestSchema, RangeResponseSchema } from "../schemas.ts";

const route = createRoute({
  method: "post",
  path: "/v1/chains/{chain}/finality/range",
  summary: "Longest finalized prefix",
  description:
    "Given consecutive blocks (height and hash, ascending), answers the last block of the longest prefix that " +
    "is BTC-finalized (every hash checked against the canonical chain), or null.",
  request: {
    params: z.object({ chain: ChainParam }),
    body: { required: true, content: { "application/json": { schema: RangeRequestSchema } } },
  },
  responses: {
    200: { description: "The prefix", content: { "application/json": { schema: RangeResponseSchema } } },
    400: { description: "Malformed or non-consecutive blocks", content: problemContent },
    404: { description: "Unknown chain", content: problemContent },
    502: { description: "An upstream answered with an error or garbage", content: problemContent },
    503: { description: "An upstream is unavailable", content: problemContent },
  },
});

export function registerRange(app: OpenAPIHono<AppEnv>, deps: AppDeps): void {
  app.openapi(route, async (c) => {
    const { chain: chainId } = c.req.valid("param");
    const { blocks } = c.req.valid("json");
    const { cache } = await chainContext(c, deps, chainId);
    const first = blocks[0]?.number ?? 0;
    blocks.forEach((b, i) => {
      if (b.number !== first + i)
        throw new BlocksNotConsecutiveError(`blocks[${i}].number is ${b.number}, expected ${first + i}`);
    });
    const last = await longestFinalizedPrefixWithCache(
      cache,
      blocks.map((b) => ({ number: BigInt(b.number), hash: b.hash.toLowerCase() as Hex })),
    );
    const body = { lastFinalized: last ? { number: Number(last.number), hash: last.hash } : null };
    // A POST answer is not cacheable by URL; clients re-ask with their own range.
    return c.json(body, 200, { "cache-control": "no-store" });
  });
}
