import { describe, expect, it } from "vitest";
import { createValueCache } from "./value-cache.ts";

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

describe("createValueCache", () => {
  it("reuses a value for the TTL, then loads again", async () => {
    const c = clock();
    const cache = createValueCache({ ttlMs: 5_000, now: c.now });
    const source = counter([1, 2]);
    expect(await cache.get("k", source.load)).toBe(1);
    c.advance(4_999);
    expect(await cache.get("k", source.load)).toBe(1);
    c.advance(1);
    expect(await cache.get("k", source.load)).toBe(2);
    expect(source.calls()).toBe(2);
  });

  it("never hands one caller's pending load to another: each concurrent caller loads for itself", async () => {
    const cache = createValueCache({ ttlMs: 5_000, now: clock().now });
    let release: (value: number) => void = () => {};
    const stuck = new Promise<number>((resolve) => {
      release = resolve;
    });
    // The first caller's load never settles (its request was cancelled); the second must not wait on it.
    const first = cache.get("a", () => stuck);
    expect(await cache.get("a", async () => 2)).toBe(2);
    // Once stored, the value is served without a load.
    expect(await cache.get("a", () => Promise.reject(new Error("no load expected")))).toBe(2);
    release(1);
    expect(await first).toBe(1);
  });

  it("keeps keys apart and does not keep a failure", async () => {
    const cache = createValueCache({ ttlMs: 5_000, now: clock().now });
    await expect(cache.get("k", () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    expect(await cache.get("k", async () => 7)).toBe(7);
    expect(await cache.get("other", async () => 8)).toBe(8);
    expect(await cache.get("k", async () => 9)).toBe(7);
  });

  it("re-reads a cached value the caller would act on (recheck) once it is older than recheckAfterMs", async () => {
    const c = clock();
    const cache = createValueCache({ ttlMs: 5_000, recheckAfterMs: 1_000, now: c.now });
    const source = counter([false, true, true]);
    expect(await cache.get("allowed", source.load)).toBe(false);
    // Younger than recheckAfterMs: trusted as fresh, so a burst of refusals costs no reload.
    c.advance(999);
    expect(await cache.get("allowed", source.load, (ok) => !ok)).toBe(false);
    expect(source.calls()).toBe(1);
    c.advance(1);
    expect(await cache.get("allowed", source.load, (ok) => !ok)).toBe(true);
    expect(source.calls()).toBe(2);
    // A value the recheck would not reload is served for the whole TTL.
    c.advance(3_000);
    expect(await cache.get("allowed", source.load, (ok) => !ok)).toBe(true);
    expect(source.calls()).toBe(2);
  });

  it("holds at most maxEntries keys, dropping the oldest", async () => {
    const cache = createValueCache({ ttlMs: 60_000, maxEntries: 2, now: clock().now });
    await cache.get("a", async () => 1);
    await cache.get("b", async () => 2);
    await cache.get("c", async () => 3);
    expect(await cache.get("a", async () => 10)).toBe(10);
    expect(await cache.get("c", async () => 30)).toBe(3);
  });

  it("with TTL 0, caches nothing", async () => {
    const cache = createValueCache({ ttlMs: 0, now: clock().now });
    const source = counter([1, 2]);
    expect(await cache.get("k", source.load)).toBe(1);
    expect(await cache.get("k", source.load)).toBe(2);
  });
});
