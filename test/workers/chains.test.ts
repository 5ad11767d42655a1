// The chain registry loader (src/chains) with the Worker's real bindings, and the HTTP caching helper
// (src/api/http-cache.ts) through a tiny Hono app, inside workerd.
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { jsonWithCaching } from "../../src/api/http-cache.ts";
import { problemResponse, toProblem } from "../../src/api/problem.ts";
import { InvalidChainConfigError, loadChainRegistry, UnknownChainError } from "../../src/chains/index.ts";

const CONTRACT = "bbn1eaus7dcvyudf3a0c2fmmp78n5yx8l67pkspyqye7qrfmcuxpt9fsuzs5dy";
const chainsJson = (...ids: string[]) =>
  JSON.stringify(
    ids.map((id) => ({
      id,
      l2RpcUrl: "http://127.0.0.1:8545",
      babylonRpcUrl: "http://127.0.0.1:26657",
      babylonChainId: "bbn-devnet",
      contractAddress: CONTRACT,
    })),
  );

describe("loadChainRegistry with the Worker's bindings", () => {
  it("reads config/chains from KV when the CHAINS var is the default []", async () => {
    expect(env.CHAINS).toBe("[]");
    expect((await loadChainRegistry(env)).list()).toEqual([]);
    await env.FINALITY_KV.put("config/chains", chainsJson("op-sepolia", "base"));
    const registry = await loadChainRegistry(env);
    expect(registry.ids()).toEqual(["op-sepolia", "base"]);
    expect(registry.get("base").quorum).toEqual({ numerator: 2, denominator: 3 });
    await env.FINALITY_KV.delete("config/chains");
  });

  it("prefers the CHAINS var when it declares chains", async () => {
    await env.FINALITY_KV.put("config/chains", chainsJson("from-kv"));
    const registry = await loadChainRegistry({ ...env, CHAINS: chainsJson("from-var") });
    expect(registry.ids()).toEqual(["from-var"]);
    await env.FINALITY_KV.delete("config/chains");
  });

  it("reports an invalid KV config as a 500 problem naming the path", async () => {
    await env.FINALITY_KV.put("config/chains", JSON.stringify([{ id: "Bad/Id" }]));
    const error = await loadChainRegistry(env).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidChainConfigError);
    expect(toProblem(error)).toMatchObject({ status: 500, code: "invalid_chain_config" });
    expect(toProblem(error).detail).toContain("$[0].id: must be a slug");
    await env.FINALITY_KV.delete("config/chains");
  });

  it("answers an unknown chain with a 404 problem+json naming the known ones", async () => {
    const registry = await loadChainRegistry({ ...env, CHAINS: chainsJson("op-sepolia", "base") });
    const error = (() => {
      try {
        registry.get("arbitrum");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UnknownChainError);
    expect(toProblem(error)).toMatchObject({
      status: 404,
      code: "unknown_chain",
      field: "chain",
      detail: 'No consumer chain "arbitrum" is served here. Known chains: op-sepolia, base.',
    });
    const res = problemResponse(error);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });
});

describe("conditional GET through a Hono app", () => {
  const app = new Hono<{ Bindings: Env }>();
  app.get("/v1/chains/:chain/blocks/:height", async (c) => {
    const registry = await loadChainRegistry({ ...c.env, CHAINS: chainsJson("op-sepolia") });
    const chain = registry.get(c.req.param("chain"));
    const height = Number(c.req.param("height"));
    const finalized = height <= 100;
    return jsonWithCaching(c, { chain: chain.id, height, finalized }, finalized ? "finalized" : "pending");
  });
  app.onError((error) => problemResponse(error));

  it("answers 200 with ETag, then 304 with the same ETag and Cache-Control", async () => {
    const first = await app.request("/v1/chains/op-sepolia/blocks/50", {}, env);
    expect(first.status).toBe(200);
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(first.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await first.json()).toEqual({ chain: "op-sepolia", height: 50, finalized: true });

    const second = await app.request(
      "/v1/chains/op-sepolia/blocks/50",
      { headers: { "if-none-match": `W/${etag}` } },
      env,
    );
    expect(second.status).toBe(304);
    expect(second.headers.get("etag")).toBe(etag);
    expect(second.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await second.text()).toBe("");
  });

  it("gives pending answers a short max-age and still 304s them", async () => {
    const first = await app.request("/v1/chains/op-sepolia/blocks/500", {}, env);
    expect(first.headers.get("cache-control")).toBe("public, max-age=2");
    const etag = first.headers.get("etag") ?? "";
    const second = await app.request(
      "/v1/chains/op-sepolia/blocks/500",
      { headers: { "if-none-match": `"x", ${etag}` } },
      env,
    );
    expect(second.status).toBe(304);
  });

  it("answers an unknown chain with a no-store 404 problem", async () => {
    const res = await app.request("/v1/chains/nope/blocks/1", { headers: { "if-none-match": "*" } }, env);
    expect(res.status).toBe(404);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toMatchObject({
      code: "unknown_chain",
      detail: expect.stringContaining("op-sepolia"),
    });
  });
});
