import { afterEach, describe, expect, it, vi } from "vitest";
import { blockHash, decision, fakeFetch, hang, json, problem } from "../../test/fake-fetch.ts";
import {
  AbortedError,
  InvalidResponseError,
  NetworkError,
  NotFoundError,
  TimeoutError,
  UpstreamUnavailableError,
} from "../errors/index.ts";
import { createTransport } from "./create-transport.ts";
import { createEtagCache } from "./etag-cache.ts";
import { parseRetryAfter, retryDelay } from "./retry.ts";

const status = (chain = "c") =>
  ({ method: "get", path: "/v1/chains/{chain}/status", params: { chain } }) as const;

afterEach(() => {
  vi.useRealTimers();
});

describe("requests", () => {
  it("fills the route template (encoded), keeps a base path, adds the query and the headers", async () => {
    const { fetch, calls } = fakeFetch(() => json(200, {}));
    const transport = createTransport({
      url: "https://edge.test/api//",
      fetch,
      headers: { "x-api-key": "k" },
    });
    await transport.request({
      method: "get",
      path: "/v1/chains/{chain}/finality-providers",
      params: { chain: "a b/c" },
      query: { window: 10 },
    });
    expect(transport.url).toBe("https://edge.test/api");
    expect(calls[0]).toMatchObject({
      url: "https://edge.test/api/v1/chains/a%20b%2Fc/finality-providers?window=10",
      method: "GET",
      headers: { accept: "application/json, application/problem+json", "x-api-key": "k" },
      body: undefined,
    });
  });

  it("POSTs JSON with its content type", async () => {
    const { fetch, calls } = fakeFetch(() => json(200, { lastFinalized: null }));
    await createTransport({ url: "http://e", fetch }).request({
      method: "post",
      path: "/v1/chains/{chain}/finality/range",
      params: { chain: "c" },
      body: { blocks: [{ number: 1, hash: blockHash(1) }] },
    });
    expect(calls[0]).toMatchObject({
      method: "POST",
      headers: { "content-type": "application/json" },
      body: { blocks: [{ number: 1, hash: blockHash(1) }] },
    });
  });

  it("uses the global fetch when none is given, looked up at call time", async () => {
    const { fetch, calls } = fakeFetch(() => json(200, {}));
    vi.stubGlobal("fetch", fetch);
    try {
      await createTransport({ url: "http://e" }).request(status());
      expect(calls).toHaveLength(1);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe("answers", () => {
  it("a problem becomes its typed error with the request named in the message", async () => {
    const { fetch } = fakeFetch(() =>
      problem(404, "unknown_chain", { detail: "No chain nope", field: "chain" }),
    );
    const error = await createTransport({ url: "http://e", fetch })
      .request(status("nope"))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({
      code: "unknown_chain",
      status: 404,
      field: "chain",
      details: "No chain nope",
    });
    expect((error as Error).message).toContain("Request: GET http://e/v1/chains/nope/status");
  });

  it("refuses what is not the documented JSON", async () => {
    const answers = [
      new Response("<html>", { status: 200, headers: { "content-type": "text/html" } }),
      new Response("{not json", { status: 200, headers: { "content-type": "application/json" } }),
      json(200, []),
      new Response(null, { status: 304 }),
      new Response(null, { status: 302, headers: { location: "/elsewhere" } }),
    ];
    const { fetch } = fakeFetch(() => answers.shift() as Response);
    const transport = createTransport({ url: "http://e", fetch });
    for (let i = 0; i < 5; i++) {
      const error = await transport
        .request({ ...status(), accept: (b) => !Array.isArray(b) })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidResponseError);
      expect(error).toMatchObject({ code: "invalid_response" });
    }
  });
});

describe("conditional GETs", () => {
  it("sends the last ETag for the URL and reuses the body on 304 (as a copy)", async () => {
    const body = decision(7, "pending");
    const { fetch, calls } = fakeFetch((r) =>
      r.headers["if-none-match"] === '"v1"'
        ? json(304, null, { etag: '"v1"' })
        : json(200, body, { etag: '"v1"' }),
    );
    const transport = createTransport({ url: "http://e", fetch });
    const request = {
      method: "get",
      path: "/v1/chains/{chain}/blocks/{blockId}/finality",
      params: { chain: "c", blockId: "7" },
      conditional: true,
    } as const;
    const first = await transport.request(request);
    first.body.status = "finalized"; // a caller mutating its answer does not change the cache
    const second = await transport.request(request);
    expect(calls.map((c) => c.headers["if-none-match"])).toEqual([undefined, '"v1"']);
    expect(second).toMatchObject({ status: 304, notModified: true, etag: '"v1"' });
    expect(second.body).toEqual(body);
    // Not conditional: no If-None-Match, even with a cached ETag.
    await transport.request({ ...request, conditional: false });
    expect(calls[2]?.headers["if-none-match"]).toBeUndefined();
  });

  it("the ETag cache keeps the most recently used URLs", () => {
    const cache = createEtagCache(2);
    cache.set("a", { etag: "1", body: 1 });
    cache.set("b", { etag: "2", body: 2 });
    cache.get("a");
    cache.set("c", { etag: "3", body: 3 });
    expect([cache.get("a")?.body, cache.get("b"), cache.get("c")?.body]).toEqual([1, undefined, 3]);
  });
});

describe("retries", () => {
  it("waits exactly Retry-After before trying again, then answers", async () => {
    vi.useFakeTimers();
    const answers = [
      problem(503, "upstream_unavailable", { headers: { "retry-after": "2" } }),
      json(200, { ok: 1 }),
    ];
    const { fetch, calls } = fakeFetch(() => answers.shift() as Response);
    const pending = createTransport({ url: "http://e", fetch }).request(status());
    await vi.advanceTimersByTimeAsync(1_999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(pending).resolves.toMatchObject({ status: 200, body: { ok: 1 } });
    expect(calls).toHaveLength(2);
  });

  it("does not wait out a Retry-After beyond maxDelayMs: throws at once with retryAfter", async () => {
    const { fetch, calls } = fakeFetch(() =>
      problem(429, "rate_limited", { headers: { "retry-after": "60" } }),
    );
    const error = await createTransport({ url: "http://e", fetch, retry: { maxDelayMs: 10_000 } })
      .request(status())
      .catch((e: unknown) => e);
    expect(calls).toHaveLength(1);
    expect(error).toMatchObject({ name: "RateLimitedError", retryAfter: 60 });
  });

  it("retries network failures and timeouts with back-off, up to `attempts` tries", async () => {
    let n = 0;
    const { fetch, calls } = fakeFetch((r) => {
      n++;
      if (n === 1) throw new TypeError("fetch failed");
      if (n === 2) return hang(r);
      return json(200, { ok: n });
    });
    const transport = createTransport({ url: "http://e", fetch, timeoutMs: 20, retry: { baseDelayMs: 1 } });
    await expect(transport.request(status())).resolves.toMatchObject({ body: { ok: 3 } });
    expect(calls).toHaveLength(3);

    const down = fakeFetch(() => {
      throw new TypeError("connect ECONNREFUSED");
    });
    const error = await createTransport({
      url: "http://e",
      fetch: down.fetch,
      retry: { attempts: 2, baseDelayMs: 1 },
    })
      .request(status())
      .catch((e: unknown) => e);
    expect(down.calls).toHaveLength(2);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).cause).toBeInstanceOf(TypeError);
  });

  it("gives up on what a retry cannot fix, and after `attempts` tries of what it could", async () => {
    const refused = fakeFetch(() => problem(422, "eots_error"));
    await createTransport({ url: "http://e", fetch: refused.fetch })
      .request(status())
      .catch(() => undefined);
    expect(refused.calls).toHaveLength(1);
    const busy = fakeFetch(() => problem(503, "upstream_unavailable", { headers: { "retry-after": "0" } }));
    const error = await createTransport({ url: "http://e", fetch: busy.fetch, retry: { attempts: 3 } })
      .request(status())
      .catch((e: unknown) => e);
    expect(busy.calls).toHaveLength(3);
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
  });

  it("delays: Retry-After (seconds or a date), else doubling from baseDelayMs, capped", () => {
    const options = { attempts: 5, maxDelayMs: 3_000, baseDelayMs: 500 };
    const busy = new UpstreamUnavailableError({ status: 503, problem: undefined, fallbackCode: "x" });
    expect([1, 2, 3, 4].map((a) => retryDelay(busy, a, options))).toEqual([500, 1_000, 2_000, 3_000]);
    expect(retryDelay(busy, 5, options)).toBeUndefined();
    const limited = new UpstreamUnavailableError({
      status: 503,
      problem: undefined,
      fallbackCode: "x",
      retryAfter: 2,
    });
    expect(retryDelay(limited, 1, options)).toBe(2_000);
    expect(parseRetryAfter("7")).toBe(7);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 0)).toBe(10);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe("timeout and abort", () => {
  it("a try that takes longer than timeoutMs is a TimeoutError", async () => {
    const { fetch } = fakeFetch(hang);
    const error = await createTransport({ url: "http://e", fetch, timeoutMs: 10, retry: { attempts: 1 } })
      .request(status())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: "timeout", timeoutMs: 10 });
  });

  it("the caller's signal aborts the request in flight and any wait, without retrying", async () => {
    const { fetch, calls } = fakeFetch(hang);
    const controller = new AbortController();
    const pending = createTransport({ url: "http://e", fetch }).request({
      ...status(),
      signal: controller.signal,
    });
    controller.abort(new Error("user left"));
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as AbortedError).cause).toEqual(new Error("user left"));
    expect(calls).toHaveLength(1);

    const busy = fakeFetch(() => problem(503, "upstream_unavailable", { headers: { "retry-after": "5" } }));
    const waiting = new AbortController();
    const retrying = createTransport({ url: "http://e", fetch: busy.fetch }).request({
      ...status(),
      signal: waiting.signal,
    });
    setTimeout(() => waiting.abort(), 10);
    await expect(retrying).rejects.toBeInstanceOf(AbortedError);
    expect(busy.calls).toHaveLength(1);

    const already = fakeFetch(() => json(200, {}));
    await expect(
      createTransport({ url: "http://e", fetch: already.fetch }).request({
        ...status(),
        signal: AbortSignal.abort(),
      }),
    ).rejects.toBeInstanceOf(AbortedError);
    expect(already.calls).toHaveLength(0);
  });
});
