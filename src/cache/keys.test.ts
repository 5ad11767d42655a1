import { describe, expect, it } from "vitest";
import {
  btcHeaderKey,
  CHAINS_CONFIG_KEY,
  clampTtl,
  contractConfigKey,
  finalizedDecisionKey,
  InvalidCacheKeyError,
  InvalidCacheTtlError,
  normalizeBlockHash,
  powerTableKey,
  tipKey,
} from "./keys.ts";

const HASH = `0x${"ab".repeat(32)}`;

describe("cache keys (DESIGN.md shapes)", () => {
  it("builds every key shape", () => {
    expect(finalizedDecisionKey("op", 42, HASH)).toBe(`fin/op/42/${HASH}`);
    expect(tipKey("op")).toBe("tip/op");
    expect(powerTableKey("op", 850_000)).toBe("power/op/850000");
    expect(btcHeaderKey("op", 850_000)).toBe("btc/op/850000");
    expect(contractConfigKey("op")).toBe("cfg/op");
    expect(CHAINS_CONFIG_KEY).toBe("config/chains");
  });

  it("normalizes block hashes so one block has one key", () => {
    const upper = `0x${"AB".repeat(32)}`;
    expect(finalizedDecisionKey("op", 1, upper)).toBe(finalizedDecisionKey("op", 1, HASH));
    expect(normalizeBlockHash("ab".repeat(32))).toBe(HASH);
  });

  it.each([
    ["a chain id with a slash", () => tipKey("op/x")],
    ["an empty chain id", () => contractConfigKey("")],
    ["a negative height", () => btcHeaderKey("op", -1)],
    ["a fractional height", () => finalizedDecisionKey("op", 1.5, HASH)],
    ["an unsafe height", () => powerTableKey("op", 2 ** 53)],
    ["a short hash", () => finalizedDecisionKey("op", 1, "0xabcd")],
    ["a hash with a slash", () => finalizedDecisionKey("op", 1, `${HASH.slice(0, -1)}/`)],
  ])("refuses %s", (_name, build) => {
    expect(build).toThrow(InvalidCacheKeyError);
  });
});

describe("clampTtl", () => {
  it("clamps to KV's 60 s minimum and rounds up to whole seconds", () => {
    expect(clampTtl(1)).toBe(60);
    expect(clampTtl(59.2)).toBe(60);
    expect(clampTtl(300)).toBe(300);
    expect(clampTtl(300.1)).toBe(301);
  });

  it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY])("refuses %s", (ttl) => {
    expect(() => clampTtl(ttl)).toThrow(InvalidCacheTtlError);
  });
});
