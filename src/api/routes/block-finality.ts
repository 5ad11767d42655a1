/** @module `GET /v1/chains/{chain}/blocks/{blockId}/finality`: is this L2 block BTC-finalized? */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Decision } from "../../finality/index.ts";
import { decideWithCache, readFinalizedDecisionAtHeight } from "../../finality/sources.ts";
import type { Hex } from "../../l2/index.ts";
import { type AppDeps, type AppEnv, chainContext } from "../context.ts";
import { jsonWithCaching } from "../http-cache.ts";
import { BlockIdParam, ChainParam, DecisionSchema, decisionJson, problemContent } from "../schemas.ts";

const route = createRoute({
  method: "get",
  path: "/v1/chains/{chain}/blocks/{blockId}/finality",
  summary: "Block finality",
  description:
    "Whether the block is BTC-finalized, with the evidence: grid height, BTC height, quorum and voters. " +
    "Finalized answers are immutable (`Cache-Control: immutable`, ETag); others are cacheable for 2 s.",
  request: { params: z.object({ chain: ChainParam, blockId: BlockIdParam }) },
  responses: {
    200: { description: "The decision", content: { "application/json": { schema: DecisionSchema } } },
    400: { description: "Malformed block id", content: problemContent },
    404: { description: "Unknown chain or block", content: problemContent },
    502: { description: "An upstream answered with an error or garbage", content: problemContent },
    503: { description: "An upstream is unavailable", content: problemContent },
  },
});

export function registerBlockFinality(app: OpenAPIHono<AppEnv>, deps: AppDeps): void {
  app.openapi(route, async (c) => {
    const { chain: chainId, blockId } = c.req.valid("param");
    const { chain, readers, cache } = await chainContext(c, deps, chainId);
    let decision: Decision | null = null;
    if (/^[0-9]+$/.test(blockId)) {
      // A finalized height answers from KV alone: finality is irreversible, one hash per height at most.
      decision = await readFinalizedDecisionAtHeight(cache.kv, chain.id, BigInt(blockId));
      if (!decision) {
        const canonical = await readers.blockRef(BigInt(blockId));
        decision = (await decideWithCache({ ...cache, canonical }, canonical)).decision;
      }
    } else if (blockId.startsWith("0x")) {
      // By hash: the node may know non-canonical blocks; the rule checks the hash against the canonical chain.
      const block = await readers.blockRef(blockId.toLowerCase() as Hex);
      decision = (await decideWithCache(cache, { number: block.number, hash: block.hash })).decision;
    } else {
      const canonical = await readers.blockRef(blockId as "latest" | "finalized");
      decision = (await decideWithCache({ ...cache, canonical }, canonical)).decision;
    }
    const body = decisionJson(chain.id, decision);
    return (await jsonWithCaching(c, body, decision.finalized ? "finalized" : "pending")) as never;
  });
}
