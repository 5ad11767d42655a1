import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("worker entry", () => {
  it("answers liveness on /healthz", async () => {
    const res = await exports.default.fetch("http://edge.test/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("answers 404 for unknown paths", async () => {
    const res = await exports.default.fetch("http://edge.test/nope");
    expect(res.status).toBe(404);
  });
});
