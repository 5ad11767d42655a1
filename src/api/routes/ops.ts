/** @module Operational endpoints: `/healthz` (liveness), `/readyz` (upstream probes), `/docs` (API reference). */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { type AppDeps, type AppEnv, registry } from "../context.ts";
import { UPSTREAM_RETRY_AFTER_SECONDS } from "../problem.ts";
import { ReadinessSchema } from "../schemas.ts";

const healthRoute = createRoute({
  method: "get",
  path: "/healthz",
  summary: "Liveness",
  description: "Answers without touching any upstream.",
  responses: {
    200: {
      description: "Alive",
      content: { "application/json": { schema: z.object({ status: z.literal("ok") }) } },
    },
  },
});

const readyRoute = createRoute({
  method: "get",
  path: "/readyz",
  summary: "Readiness",
  description:
    "Probes every chain's L2 (`eth_blockNumber`) and Babylon (`status`) RPC with latency; 503 when any is down.",
  responses: {
    200: {
      description: "Every upstream answered",
      content: { "application/json": { schema: ReadinessSchema } },
    },
    503: { description: "An upstream is down", content: { "application/json": { schema: ReadinessSchema } } },
  },
});

type Probe = { ok: boolean; latencyMs: number; height?: number; error?: string };

async function probe(run: () => Promise<number | bigint>): Promise<Probe> {
  const started = Date.now();
  try {
    const height = Number(await run());
    return { ok: true, latencyMs: Date.now() - started, height };
  } catch (error) {
    // Only the error's class leaves: messages may echo RPC URLs (which can carry API keys).
    const name = error instanceof Error ? error.name : "Error";
    return { ok: false, latencyMs: Date.now() - started, error: name };
  }
}

const DOCS_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Finality Edge API</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}code{background:#eee;padding:0 .2em}</style>
</head>
<body>
<h1>Finality Edge API</h1>
<p>BTC-staked finality for rollups. The machine-readable reference is <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1); load it into any OpenAPI viewer.</p>
<ul>
<li><code>GET /v1/chains</code></li>
<li><code>GET /v1/chains/{chain}/blocks/{blockId}/finality</code> &mdash; blockId: height, 0x hash, <code>latest</code>, <code>finalized</code></li>
<li><code>GET /v1/chains/{chain}/txs/{txHash}/finality</code></li>
<li><code>POST /v1/chains/{chain}/finality/range</code></li>
<li><code>GET /v1/chains/{chain}/status</code></li>
<li><code>GET /v1/chains/{chain}/finality-providers</code></li>
<li><code>GET /healthz</code>, <code>GET /readyz</code></li>
</ul>
<p>Errors are <code>application/problem+json</code> (RFC 9457); upstream failures are 502/503 with <code>Retry-After</code>.</p>
</body>
</html>
`;

export function registerOps(app: OpenAPIHono<AppEnv>, deps: AppDeps): void {
  app.openapi(healthRoute, (c) => c.json({ status: "ok" as const }, 200));

  app.openapi(readyRoute, async (c) => {
    const chains = await Promise.all(
      (await registry(c)).list().map(async (chain) => {
        const readers = deps.readers(chain, c.env);
        const [l2, babylon] = await Promise.all([probe(readers.l2Head), probe(readers.babylonHeight)]);
        return { id: chain.id, l2, babylon };
      }),
    );
    const ready = chains.every((chain) => chain.l2.ok && chain.babylon.ok);
    const headers: Record<string, string> = { "cache-control": "no-store" };
    if (!ready) headers["retry-after"] = String(UPSTREAM_RETRY_AFTER_SECONDS);
    const body = { status: ready ? ("ready" as const) : ("unavailable" as const), chains };
    return ready ? c.json(body, 200, headers) : c.json(body, 503, headers);
  });

  app.get("/docs", (c) => c.html(DOCS_HTML));
}
