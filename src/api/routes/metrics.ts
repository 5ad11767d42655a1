/**
 * @module `GET /metrics`: the Prometheus text exposition of every configured chain (src/api/edge-metrics.ts).
 * A chain whose upstreams fail this scrape reports `finality_edge_up 0` and its counters; the scrape still answers.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { coordinatorStub } from "../../coordinator/client.ts";
import { unflushedCounters } from "../../coordinator/isolate-counters.ts";
import { PROMETHEUS_CONTENT_TYPE } from "../../metrics/index.ts";
import { requireMetricsToken } from "../admin-auth.ts";
import { readChainStatus } from "../chain-status.ts";
import { type AppDeps, type AppEnv, chainContext, registry } from "../context.ts";
import { type ChainScrape, renderEdgeMetrics } from "../edge-metrics.ts";
import { problemContent } from "../schemas.ts";

const metricsRoute = createRoute({
  method: "get",
  path: "/metrics",
  summary: "Prometheus metrics",
  description:
    "Per chain: finalized height (as /status), L2 head, lag, BTC height, total power; per FP: power, slashed, " +
    "last voted height, votes missed; submissions, relayer, queue and upstream-latency counters. Needs " +
    "`Authorization: Bearer <METRICS_TOKEN>` when that secret is set. Cost per chain: the /status reads plus one " +
    "highest_voted_height per FP and one coordinator call.",
  responses: {
    200: { description: "Text exposition format 0.0.4", content: { "text/plain": { schema: z.string() } } },
    401: { description: "METRICS_TOKEN set and no bearer token sent", content: problemContent },
    403: { description: "Wrong bearer token", content: problemContent },
  },
});

async function scrapeChain(
  c: Parameters<typeof chainContext>[0],
  deps: AppDeps,
  chainId: string,
): Promise<ChainScrape> {
  const { chain, readers, cache } = await chainContext(c, deps, chainId);
  const counters = coordinatorStub(c.env, chain.id)
    .counters(chain.id)
    .then((stored) => {
      const merged: Record<string, number> = { ...stored };
      for (const [name, n] of Object.entries(unflushedCounters(chain.id)))
        merged[name] = (merged[name] ?? 0) + n;
      return merged;
    })
    .catch((error: unknown) => {
      console.warn(`metrics: coordinator of ${chain.id} did not answer`, error);
      return undefined;
    });
  const status = readChainStatus(cache, readers, chain.id)
    .then(async ({ body, table }) => {
      const voted = await Promise.all(
        table.providers.map((p) => readers.highestVotedHeight(p.btcPk).catch(() => null)),
      );
      return { body, table, lastVoted: new Map(table.providers.map((p, i) => [p.btcPk, voted[i] ?? null])) };
    })
    .catch((error: unknown) => {
      console.warn(`metrics: status of ${chain.id} could not be read`, error);
      return undefined;
    });
  const [read, count] = await Promise.all([status, counters]);
  return {
    chain: chain.id,
    ...(read ? { status: read.body, table: read.table, lastVoted: read.lastVoted } : {}),
    ...(count ? { counters: count } : {}),
  };
}

export function registerMetrics(app: OpenAPIHono<AppEnv>, deps: AppDeps): void {
  app.use("/metrics", requireMetricsToken);
  app.openapi(metricsRoute, async (c) => {
    const chains = (await registry(c)).ids();
    const scrapes = await Promise.all(chains.map((id) => scrapeChain(c, deps, id)));
    return c.body(renderEdgeMetrics(scrapes), 200, {
      "content-type": PROMETHEUS_CONTENT_TYPE,
      "cache-control": "no-store",
    }) as never;
  });
}
