/** @module `GET /v1/chains/{chain}/txs/{txHash}/finality`: the transaction's block and its finality. */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { getFinalizedAnswer } from "../../cache/index.ts";
import { decideWithCache } from "../../finality/sources.ts";
import type { Hex } from "../../l2/index.ts";
import { type AppDeps, type AppEnv, chainContext, registry } from "../context.ts";
import { TxNotFoundError } from "../errors.ts";
import { finalizedBlockAnswer, finalizedTxAnswer } from "../finalized-answers.ts";
import { entityResponse, jsonWithCaching } from "../http-cache.ts";
import { ChainParam, decisionJson, problemContent, TxFinalitySchema, TxHashParam } from "../schemas.ts";

const route = createRoute({
  method: "get",
  path: "/v1/chains/{chain}/txs/{txHash}/finality",
  summary: "Transaction finality",
  description:
    "Finds the block that includes the transaction, then decides that block (same answer as block finality). " +
    "A transaction still in the mempool is `pending` with `block: null` and a reason.",
  request: { params: z.object({ chain: ChainParam, txHash: TxHashParam }) },
  responses: {
    200: { description: "The decision", content: { "application/json": { schema: TxFinalitySchema } } },
    400: { description: "Malformed transaction hash", content: problemContent },
    404: { description: "Unknown chain or transaction", content: problemContent },
    502: { description: "An upstream answered with an error or garbage", content: problemContent },
    503: { description: "An upstream is unavailable", content: problemContent },
  },
});

export function registerTxFinality(app: OpenAPIHono<AppEnv>, deps: AppDeps): void {
  app.openapi(route, async (c) => {
    const { chain: chainId, txHash: raw } = c.req.valid("param");
    const txHash = raw.toLowerCase() as Hex;
    // A transaction in a finalized block stays there: its answer is served from the stored bytes alone.
    const known = (await registry(c)).get(chainId);
    const stored = await getFinalizedAnswer(c.env.FINALITY_KV, known.id, { kind: "tx", hash: txHash });
    if (stored) return entityResponse(c, stored, "finalized") as never;
    const { chain, readers, cache } = await chainContext(c, deps, chainId);
    const location = await readers.transaction(txHash);
    if (location.status === "unknown") throw new TxNotFoundError(txHash);
    if (location.status === "pending") {
      const body = {
        chain: chain.id,
        txHash,
        block: null,
        finalized: false,
        status: "pending" as const,
        reason: "the transaction is not included in a block yet",
        gridHeight: null,
        gridBlock: null,
        btcHeight: null,
        quorum: null,
        voters: [],
      };
      return (await jsonWithCaching(c, body, "pending")) as never;
    }
    const { decision, fromCache } = await decideWithCache(cache, {
      number: location.blockNumber,
      hash: location.blockHash.toLowerCase() as Hex,
    });
    if (!decision.finalized) {
      return (await jsonWithCaching(c, { ...decisionJson(chain.id, decision), txHash }, "pending")) as never;
    }
    // A block decided just now is also answered by its height and hash from now on.
    if (!fromCache) await finalizedBlockAnswer(cache.kv, chain.id, decision);
    return entityResponse(
      c,
      await finalizedTxAnswer(cache.kv, chain.id, txHash, decision),
      "finalized",
    ) as never;
  });
}
