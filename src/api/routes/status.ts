/** @module `GET /v1/chains/{chain}/status` and `GET /v1/chains/{chain}/finality-providers`. */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { getPowerTable as getCachedPowerTable, getTip, putPowerTable } from "../../cache/index.ts";
import { cachedContractConfig, kvHeaderCache } from "../../finality/sources.ts";
import { type AppDeps, type AppEnv, chainContext } from "../context.ts";
import { jsonWithCaching } from "../http-cache.ts";
import { ChainParam, FinalityProvidersSchema, problemContent, StatusSchema } from "../schemas.ts";

const errors = {
  404: { description: "Unknown chain", content: problemContent },
  502: { description: "An upstream answered with an error or garbage", content: problemContent },
  503: { description: "An upstream is unavailable", content: problemContent },
};

const statusRoute = createRoute({
  method: "get",
  path: "/v1/chains/{chain}/status",
  summary: "Chain status",
  description: "The contract config, the L2 head and the highest BTC-finalized block known to the edge.",
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
    "The BSN's finality providers with their BTC voting power at the BTC tip (power table, cached).",
  request: { params: z.object({ chain: ChainParam }) },
  responses: {
    200: {
      description: "Power table",
      content: { "application/json": { schema: FinalityProvidersSchema } },
    },
    ...errors,
  },
});

export function registerStatus(app: OpenAPIHono<AppEnv>, deps: AppDeps): void {
  app.openapi(statusRoute, async (c) => {
    const { chain: chainId } = c.req.valid("param");
    const { chain, readers, cache } = await chainContext(c, deps, chainId);
    const [config, head, tip] = await Promise.all([
      cachedContractConfig(cache),
      readers.l2Head(),
      getTip(cache.kv, chain.id).catch(() => null),
    ]);
    const body = {
      chain: chain.id,
      contract: { bsnId: config.bsnId, activationHeight: config.activationHeight, interval: config.interval },
      l2Head: Number(head),
      finalizedTip: tip,
    };
    return (await jsonWithCaching(c, body, "pending")) as never;
  });

  app.openapi(providersRoute, async (c) => {
    const { chain: chainId } = c.req.valid("param");
    const { chain, readers, cache } = await chainContext(c, deps, chainId);
    const config = await cachedContractConfig(cache);
    // A timestamp past every header maps to the BTC tip (clamped).
    const { height } = await readers.btcHeightAt(Number.MAX_SAFE_INTEGER, kvHeaderCache(cache.kv));
    let table = await getCachedPowerTable(cache.kv, chain.id, height).catch(() => null);
    if (!table) {
      table = await readers.powerTable(config.bsnId, height);
      await putPowerTable(cache.kv, chain.id, height, table).catch(() => undefined);
    }
    const body = {
      chain: chain.id,
      bsnId: config.bsnId,
      btcHeight: table.btcHeight,
      totalPower: table.totalPower.toString(),
      providers: table.providers.map((p) => ({
        btcPk: p.btcPk,
        power: p.power.toString(),
        slashed: p.slashed,
      })),
    };
    return (await jsonWithCaching(c, body, "pending")) as never;
  });
}
