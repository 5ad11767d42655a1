import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import {
  cacheControlFor,
  etagFor,
  ifNoneMatchMatches,
  JSON_CONTENT_TYPE,
  jsonWithCaching,
  parseIfNoneMatch,
} from "./http-cache.ts";

describe("etagFor", () => {
  it("is a quoted base64url SHA-256, stable and content-sensitive", async () => {
    // SHA-256("") = e3b0c442…b855; base64url of it:
    expect(await etagFor("")).toBe('"47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"');
    expect(await etagFor('{"a":1}')).toBe(await etagFor('{"a":1}'));
    expect(await etagFor('{"a":1}')).not.toBe(await etagFor('{"a":2}'));
    expect(await etagFor("é")).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
  });
});

describe("cacheControlFor", () => {
  it("is immutable for finalized, seconds for pending, no-store for errors", () => {
    expect(cacheControlFor("finalized")).toBe("public, max-age=31536000, immutable");
    expect(cacheControlFor("pending")).toBe("public, max-age=2");
    expect(cacheControlFor("error")).toBe("no-store");
  });
});

describe("If-None-Match (RFC 9110 §13.1.2)", () => {
  const etag = '"abc"';
  it.each([
    ['"abc"', true],
    ['W/"abc"', true], // weak comparison: W/ ignored
    ['"x", "abc"', true],
    ['"x","y" ,W/"abc"', true],
    ["*", true],
    [" * ", true],
    ['"abcd"', false],
    ['"ab"', false],
    ["abc", false], // unquoted: not an entity-tag
    ['"x", abc', false],
    ["", false],
    ['"a,b", "abc"', true],
  ])("%j matches %j: %s", (header, expected) => {
    expect(ifNoneMatchMatches(header, etag)).toBe(expected);
  });

  it("compares weakly against a weak current tag too", () => {
    expect(ifNoneMatchMatches('"abc"', 'W/"abc"')).toBe(true);
  });

  it("is false without the header", () => {
    expect(ifNoneMatchMatches(null, etag)).toBe(false);
  });

  it("parses lists, keeps commas inside tags, skips junk", () => {
    expect(parseIfNoneMatch('W/"a", "b,c" , junk, "d')).toEqual(['W/"a"', '"b,c"']);
    expect(parseIfNoneMatch("*")).toBe("*");
    expect(parseIfNoneMatch('"*"')).toEqual(['"*"']);
  });
});

describe("jsonWithCaching", () => {
  const url = "http://edge.test/v1/x";

  it("answers 200 with the JSON body, ETag and Cache-Control", async () => {
    const res = await jsonWithCaching(new Request(url), { finalized: true }, "finalized");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(JSON_CONTENT_TYPE);
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("etag")).toBe(await etagFor('{"finalized":true}'));
    expect(await res.json()).toEqual({ finalized: true });
  });

  it("answers 304 without a body when If-None-Match matches, keeping ETag and Cache-Control", async () => {
    const first = await jsonWithCaching(new Request(url), { finalized: false }, "pending");
    const etag = first.headers.get("etag") ?? "";
    for (const header of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
      const res = await jsonWithCaching(
        new Request(url, { headers: { "if-none-match": header } }),
        { finalized: false },
        "pending",
      );
      expect(res.status).toBe(304);
      expect(res.headers.get("etag")).toBe(etag);
      expect(res.headers.get("cache-control")).toBe("public, max-age=2");
      expect(await res.text()).toBe("");
    }
  });

  it("answers 200 when If-None-Match names other tags", async () => {
    const req = new Request(url, { headers: { "if-none-match": '"stale"' } });
    expect((await jsonWithCaching(req, { a: 1 }, "pending")).status).toBe(200);
  });

  it("answers HEAD like GET without a body", async () => {
    const res = await jsonWithCaching(new Request(url, { method: "HEAD" }), { a: 1 }, "finalized");
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBeTruthy();
    expect(await res.text()).toBe("");
  });

  it("ignores If-None-Match on other methods", async () => {
    const req = new Request(url, { method: "POST", headers: { "if-none-match": "*" } });
    expect((await jsonWithCaching(req, { a: 1 }, "pending")).status).toBe(200);
  });

  it("never caches or 304s errors and non-2xx answers", async () => {
    const req = new Request(url, { headers: { "if-none-match": "*" } });
    for (const res of [
      await jsonWithCaching(req, { e: 1 }, "error"),
      await jsonWithCaching(req, { e: 1 }, "finalized", { status: 503, headers: { "retry-after": "5" } }),
    ]) {
      expect(res.status).not.toBe(304);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.headers.get("etag")).toBeNull();
    }
  });

  it("works from a Hono context", async () => {
    const app = new Hono();
    app.get("/x", (c) => jsonWithCaching(c, { height: 7 }, "finalized"));
    const first = await app.request("/x");
    const etag = first.headers.get("etag") ?? "";
    const second = await app.request("/x", { headers: { "if-none-match": etag } });
    expect(second.status).toBe(304);
    expect(second.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
  });

  it("refuses a body JSON cannot represent", async () => {
    await expect(jsonWithCaching(new Request(url), undefined, "pending")).rejects.toThrow(TypeError);
  });
});
