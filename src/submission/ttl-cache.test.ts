import { describe, expect, it } from "vitest";
import { createTtlCache } from "./ttl-cache.ts";

function clock() {
  let t = 0;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

function counter<T>(values: T[]) {
  let calls = 0;
  return {
    load: async () => values[Math.min(calls++, values.length - 1)] as T,
    calls: () => calls,
  };
}

describe("createTtlCache", () => {
  it("reuses an answer for the TTL, then loads again", async () => {
    const c = clock();
    const cache = createTtlCache(5_000, c.now);
    const source = counter([1, 2]);
    expect(await cache.get("k", source.load)).toBe(1);
    c.advance(4_999);
    expect(await cache.get("k", source.load)).toBe(1);
    c.advance(1);
    expect(await cache.get("k", source.load)).toBe(2);
    expect(source.calls()).toBe(2);
  });

  it("shares one load between concurrent callers, and keys apart", async () => {
    const cache = createTtlCache(5_000, clock().now);
    const source = counter([1, 2]);
    expect(await Promise.all([cache.get("a", source.load), cache.get("a", source.load)])).toEqual([1, 1]);
    expect(await cache.get("b", source.load)).toBe(2);
    expect(source.calls()).toBe(2);
  });

  it("does not keep a failure", async () => {
    const cache = createTtlCache(5_000, clock().now);
    await expect(cache.get("k", () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    expect(await cache.get("k", async () => 7)).toBe(7);
  });

  it("re-reads a cached answer the caller would act on (recheck), once", async () => {
    const cache = createTtlCache(5_000, clock().now);
    const source = counter([false, true, true]);
    expect(await cache.get("allowed", source.load)).toBe(false);
    // The cached `false` would refuse: read again.
    expect(await cache.get("allowed", source.load, (ok) => !ok)).toBe(true);
    expect(source.calls()).toBe(2);
    // A fresh answer is returned as is even if it would be rechecked.
    const fresh = counter([false, true]);
    expect(await cache.get("new", fresh.load, (ok) => !ok)).toBe(false);
    expect(fresh.calls()).toBe(1);
  });

  it("with TTL 0, caches nothing", async () => {
    const cache = createTtlCache(0, clock().now);
    const source = counter([1, 2]);
    expect(await cache.get("k", source.load)).toBe(1);
    expect(await cache.get("k", source.load)).toBe(2);
  });
});
