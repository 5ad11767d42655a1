/** @module `GET /v1/chains/{chain}/status` and `GET /v1/chains/{chain}/finality-providers`. */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { cachedContractConfig } from "../../finality/sources.ts";
import { readChainStatus, tipPowerTable } from "../chain-status.ts";
import { type AppDeps, type AppEnv, chainContext } from "../context.ts";
import { jsonWithCaching } from "../http-cache.ts";
import {
  ChainParam,
  FinalityProvidersSchema,
  MAX_VOTE_WINDOW,
  problemContent,
  StatusSchema,
  VoteWindowQuery,
} from "../schemas.ts";

const errors = {
  404: { description: "Unknown chain", content: problemContent },
  502: { description: "An upstream answered with an error or garbage", content: problemContent },
  503: { description: "An upstream is unavailable", content: problemContent },
};

/** Grid heights whose block and voters are read concurrently. */
const VOTE_CHUNK = 10;

const statusRoute = createRoute({
  method: "get",
  path: "/v1/chains/{chain}/status",
  summary: "Chain status",
  description:
    "The contract config, the L2 head, the highest BTC-finalized block known to the edge and the lag between " +
    "them, BTC-staking activation, the FP count and total power at the BTC tip, and when the tip last advanced. " +
    "Cost: eth_getBlockByNumber(latest), one MainChain page (BTC tip), KV reads; on a KV miss the power table " +
    "and, until BTC staking is active (then cached forever; re-checked at most once a minute before), the " +
    "activation (FP, params, tip, delegation queries and a MainChain walk).",
  request: { params: z.object({ chain: ChainParam }) },
  responses: {
    200: { description: "Status", content: { "application/json": { schema: StatusSchema } } },
    ...errors,
  },
});

const providersRoute = createRoute({
  method: "get",
  path: "/v1/chains/{chain}/finality-providers",
  summary: "Finality providers and their voting power",
  description:
    "The BSN's finality providers with their BTC voting power at the BTC tip (power table, cached), their " +
    "highest voted height, and how many of the last `window` grid heights up to the L2 head they voted for " +
    "with the canonical hash. Cost: eth_blockNumber, one MainChain page, the power table (KV-cached), one " +
    "highest_voted_height per FP, and per examined grid height one eth_getBlockByNumber plus one block_voters " +
    `(≤ ${MAX_VOTE_WINDOW} each, ${VOTE_CHUNK} at a time).`,
  request: { params: z.object({ chain: ChainParam }), query: VoteWindowQuery },
  responses: {
    200: {
      description: "Power table",
      content: { "application/json": { schema: FinalityProvidersSchema } },
    },
    400: { description: "Invalid `window`", content: problemContent },
    ...errors,
  },
});

/** The last `window` grid heights at or below `head`, newest first. */
export function recentGridHeights(activationHeight: number, interval: number, head: number, window: number) {
  if (head < activationHeight) return [];
  const newest = activationHeight + Math.floor((head - activationHeight) / interval) * interval;
  const count = Math.min(window, Math.floor((newest - activationHeight) / interval) + 1);
  return Array.from({ length: count }, (_, i) => newest - i * interval);
}

export function registerStatus(app: OpenAPIHono<AppEnv>, deps: AppDeps): void {
  app.openapi(statusRoute, async (c) => {
    const { chain: chainId } = c.req.valid("param");
    const { chain, readers, cache } = await chainContext(c, deps, chainId);
    const { body } = await readChainStatus(cache, readers, chain.id);
    return (await jsonWithCaching(c, body, "pending")) as never;
  });

  app.openapi(providersRoute, async (c) => {
    const { chain: chainId } = c.req.valid("param");
    const { window } = c.req.valid("query");
    const { chain, readers, cache } = await chainContext(c, deps, chainId);
    const config = await cachedContractConfig(cache);
    const [table, head] = await Promise.all([
      tipPowerTable(cache, readers, chain.id, config.bsnId),
      readers.blockRef("latest"),
    ]);
    const heights = recentGridHeights(config.activationHeight, config.interval, Number(head.number), window);
    // Voters of the canonical block at each grid height, VOTE_CHUNK heights at a time.
    const votersAt: Set<string>[] = [];
    for (let i = 0; i < heights.length; i += VOTE_CHUNK) {
      const chunk = heights.slice(i, i + VOTE_CHUNK);
      votersAt.push(
        ...(await Promise.all(
          chunk.map(async (height) => {
            const block = await readers.blockAt(BigInt(height));
            if (!block) return new Set<string>();
            const voters = await readers.blockVoters(height, block.hash);
            return new Set(voters.map((v) => v.fpBtcPk.toLowerCase()));
          }),
        )),
      );
    }
    const lastVoted = await Promise.all(table.providers.map((p) => readers.highestVotedHeight(p.btcPk)));
    const body = {
      chain: chain.id,
      bsnId: config.bsnId,
      btcHeight: table.btcHeight,
      totalPower: table.totalPower.toString(),
      l2Head: { number: Number(head.number), hash: head.hash, timestamp: Number(head.timestamp) },
      gridHeights: heights,
      providers: table.providers.map((p, i) => ({
        fpBtcPk: p.btcPk,
        power: p.power.toString(),
        slashed: p.slashed,
        lastVotedHeight: lastVoted[i] ?? null,
        recentVotes: {
          window: heights.length,
          count: votersAt.filter((voters) => voters.has(p.btcPk.toLowerCase())).length,
        },
      })),
    };
    return (await jsonWithCaching(c, body, "pending")) as never;
  });
}
