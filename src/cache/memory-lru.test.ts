import { describe, expect, it } from "vitest";
import { createMemoryLru } from "./memory-lru.ts";

const sized = (maxEntries: number, maxBytes: number) =>
  createMemoryLru<string>({ maxEntries, maxBytes, sizeOf: (v) => v.length });

describe("createMemoryLru", () => {
  it("evicts the least recently used entry when full, a hit counting as a use", () => {
    const lru = sized(2, 1_000);
    lru.set("a", "1");
    lru.set("b", "2");
    expect(lru.get("a")).toBe("1");
    lru.set("c", "3");
    expect(lru.get("b")).toBeUndefined();
    expect(lru.get("a")).toBe("1");
    expect(lru.get("c")).toBe("3");
    expect(lru.size).toBe(2);
  });

  it("keeps the byte budget: big values push out old ones, a value over the budget is not kept", () => {
    // Each entry costs its length plus two bytes per key character.
    const lru = sized(100, 30);
    lru.set("a", "x".repeat(10)); // 12
    lru.set("b", "x".repeat(10)); // 12
    lru.set("c", "x".repeat(10)); // 12 → "a" goes
    expect(lru.get("a")).toBeUndefined();
    expect(lru.bytes).toBe(24);
    lru.set("d", "x".repeat(40));
    expect(lru.get("d")).toBeUndefined();
    expect(lru.bytes).toBe(24);
  });

  it("replaces a key in place and deletes", () => {
    const lru = sized(10, 1_000);
    lru.set("a", "1");
    lru.set("a", "22");
    expect(lru.get("a")).toBe("22");
    expect(lru.bytes).toBe(4);
    lru.delete("a");
    expect(lru.get("a")).toBeUndefined();
    expect(lru.bytes).toBe(0);
  });
});
