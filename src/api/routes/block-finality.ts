/** @module `GET /v1/chains/{chain}/blocks/{blockId}/finality`: is this L2 block BTC-finalized? */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { type AnswerId, getFinalizedAnswer } from "../../cache/index.ts";
import type { Decision } from "../../finality/index.ts";
import { decideWithCache, readFinalizedDecisionAtHeight } from "../../finality/sources.ts";
import type { Hex } from "../../l2/index.ts";
import { type AppDeps, type AppEnv, chainContext, registry } from "../context.ts";
import { finalizedBlockAnswer } from "../finalized-answers.ts";
import { entityResponse, jsonWithCaching } from "../http-cache.ts";
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

/** A height or a hash names one finalized answer for good; the tags move. */
function storedAnswerId(blockId: string): AnswerId | null {
  if (/^[0-9]+$/.test(blockId)) return { kind: "number", number: Number(blockId) };
  if (blockId.startsWith("0x")) return { kind: "hash", hash: blockId };
  return null;
}

export function registerBlockFinality(app: OpenAPIHono<AppEnv>, deps: AppDeps): void {
  app.openapi(route, async (c) => {
    const { chain: chainId, blockId } = c.req.valid("param");
    // A finalized block answers from its stored bytes alone: no upstream, no parsing, no hashing.
    const id = storedAnswerId(blockId);
    if (id) {
      const known = (await registry(c)).get(chainId);
      const stored = await getFinalizedAnswer(c.env.FINALITY_KV, known.id, id);
      if (stored) return entityResponse(c, stored, "finalized") as never;
    }
    const { chain, readers, cache } = await chainContext(c, deps, chainId);
    let decision: Decision | null = null;
    if (id?.kind === "number") {
      // Decisions stored before answers were (or whose answer write failed): one list and one read.
      decision = await readFinalizedDecisionAtHeight(cache.kv, chain.id, BigInt(blockId));
      if (!decision) {
        const canonical = await readers.blockRef(BigInt(blockId));
        ({ decision } = await decideWithCache({ ...cache, canonical }, canonical));
      }
    } else if (id?.kind === "hash") {
      // The node may know non-canonical blocks; the rule checks the hash against the canonical chain.
      const block = await readers.blockRef(blockId.toLowerCase() as Hex);
      ({ decision } = await decideWithCache(cache, { number: block.number, hash: block.hash }));
    } else {
      const canonical = await readers.blockRef(blockId as "latest" | "finalized");
      const stored = await getFinalizedAnswer(cache.kv, chain.id, { kind: "hash", hash: canonical.hash });
      if (stored) return entityResponse(c, stored, "finalized") as never;
      ({ decision } = await decideWithCache({ ...cache, canonical }, canonical));
    }
    if (!decision.finalized)
      return (await jsonWithCaching(c, decisionJson(chain.id, decision), "pending")) as never;
    const answer = await finalizedBlockAnswer(cache.kv, chain.id, decision);
    return entityResponse(c, answer, "finalized") as never;
  });
}
