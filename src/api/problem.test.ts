import { describe, expect, it } from "vitest";
import { BaseError } from "../errors/base.ts";
import { RouteNotFoundError } from "../errors/http.ts";
import { UpstreamUnavailableError } from "../errors/upstream.ts";
import { PROBLEM_CONTENT_TYPE, problemResponse, toProblem } from "./problem.ts";

describe("toProblem", () => {
  it("maps a known code to its status and keeps field and detail", () => {
    const problem = toProblem(
      new BaseError("invalid_length", "Wrong length", { field: "signature", details: "got 31" }),
    );
    expect(problem).toEqual({
      type: "https://finality-edge.dev/problems/invalid_length",
      title: "Wrong length",
      status: 400,
      code: "invalid_length",
      detail: "got 31",
      field: "signature",
    });
  });

  it("hides unknown codes and foreign errors behind a 500", () => {
    for (const error of [
      new BaseError("something_new", "secret internals"),
      new Error("db password is hunter2"),
    ]) {
      const problem = toProblem(error);
      expect(problem.status).toBe(500);
      expect(JSON.stringify(problem)).not.toMatch(/secret|hunter2/);
    }
  });

  it("answers with the problem+json content type and no-store", async () => {
    const res = problemResponse(new RouteNotFoundError("/x"));
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toMatchObject({ code: "route_not_found", detail: "Nothing is served at /x." });
  });

  it("tells clients when to retry after an upstream failure, and only then", () => {
    const upstream = problemResponse(new UpstreamUnavailableError("babylon", "Babylon is unavailable"));
    expect(upstream.status).toBe(503);
    expect(upstream.headers.get("retry-after")).toBe("5");
    expect(problemResponse(new RouteNotFoundError("/x")).headers.get("retry-after")).toBeNull();
  });
});
