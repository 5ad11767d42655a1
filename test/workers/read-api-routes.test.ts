import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

// The read API inside workerd, without upstreams: routing, validation, documentation.
describe("read API routes in the worker", () => {
  it("serves the OpenAPI document and the docs page", async () => {
    const doc = await exports.default.fetch("http://edge.test/openapi.json");
    expect(doc.status).toBe(200);
    const body = (await doc.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(body.openapi).toBe("3.1.0");
    expect(body.paths).toHaveProperty("/v1/chains/{chain}/blocks/{blockId}/finality");
    const docs = await exports.default.fetch("http://edge.test/docs");
    expect(await docs.text()).toContain("/openapi.json");
  });

  it("lists no chains and 404s an unknown one, 400s a bad block id first", async () => {
    expect(await (await exports.default.fetch("http://edge.test/v1/chains")).json()).toEqual({ chains: [] });
    const unknown = await exports.default.fetch("http://edge.test/v1/chains/nope/blocks/1/finality");
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: "unknown_chain" });
    const bad = await exports.default.fetch("http://edge.test/v1/chains/nope/blocks/x/finality");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: "invalid_request", field: "blockId" });
  });
});
