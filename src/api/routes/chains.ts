/** @module `GET /v1/chains`: the configured consumer chains with their finality contract config. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { cachedContractConfig } from "../../finality/sources.ts";
import { type AppDeps, type AppEnv, chainContext, registry } from "../context.ts";
import { jsonWithCaching } from "../http-cache.ts";
import { ChainsSchema, problemContent } from "../schemas.ts";

const route = createRoute({
  method: "get",
  path: "/v1/chains",
  summary: "Configured consumer chains",
  description:
    "Every chain this edge serves, with its finality contract config (bsn id, activation height, signature " +
    "interval) read through the cache; `contract` is null for a chain whose Babylon RPC failed.",
  responses: {
    200: { description: "The chains", content: { "application/json": { schema: ChainsSchema } } },
    500: { description: "Invalid chain configuration", content: problemContent },
  },
});

export function registerChains(app: OpenAPIHono<AppEnv>, deps: AppDeps): void {
  app.openapi(route, async (c) => {
    const chains = await Promise.all(
      (await registry(c)).list().map(async (chain) => {
        const { cache } = await chainContext(c, deps, chain.id);
        const contract = await cachedContractConfig(cache).then(
          (cfg) => ({ bsnId: cfg.bsnId, activationHeight: cfg.activationHeight, interval: cfg.interval }),
          (error: unknown) => {
            console.warn(`chains: contract config of ${chain.id} unavailable`, error);
            return null;
          },
        );
        return {
          id: chain.id,
          babylonChainId: chain.babylonChainId,
          contractAddress: chain.contractAddress,
          quorum: { ...chain.quorum },
          contract,
        };
      }),
    );
    return (await jsonWithCaching(c, { chains }, "pending")) as never;
  });
}
