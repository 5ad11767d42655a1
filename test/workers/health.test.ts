import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("worker entry", () => {
  it("answers liveness on /healthz", async () => {
    const res = await exports.default.fetch("http://edge.test/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("answers unknown paths with a 404 problem+json naming the path", async () => {
    const res = await exports.default.fetch("http://edge.test/v1/nope");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await res.json()).toMatchObject({
      status: 404,
      code: "route_not_found",
      detail: expect.stringContaining("/v1/nope"),
    });
  });
});
