import { describe, expect, it } from "vitest";
import { decodeJson, encodeJson, finalizedDecisionSchema, powerTableSchema } from "./records.ts";

describe("encodeJson / decodeJson", () => {
  it("round-trips bigints of any size and sign, nested, as decimal strings", () => {
    const value = { a: 2n ** 100n, b: [-5n, 0n, { c: 1n }], d: "1", e: 1, f: null, g: true };
    const text = encodeJson(value);
    expect(text).toContain('{"$bigint":"1267650600228229401496703205376"}');
    expect(decodeJson(text)).toEqual(value);
  });

  it("leaves look-alikes alone", () => {
    const value = { x: { $bigint: "1", y: 2 }, z: { $bigint: "1.5" }, w: { $bigint: 7 } };
    expect(decodeJson(JSON.stringify(value))).toEqual(value);
  });

  it("refuses what JSON would silently lose", () => {
    expect(() => encodeJson({ m: new Map() })).toThrow(TypeError);
    expect(() => encodeJson(new Set())).toThrow(TypeError);
    expect(() => encodeJson(undefined)).toThrow(TypeError);
  });
});

describe("stored shapes", () => {
  it("accepts only finalized decisions", () => {
    expect(finalizedDecisionSchema.safeParse({ finalized: true, x: 1 }).success).toBe(true);
    expect(finalizedDecisionSchema.safeParse({ finalized: false }).success).toBe(false);
    expect(finalizedDecisionSchema.safeParse({ finalized: "true" }).success).toBe(false);
    expect(finalizedDecisionSchema.safeParse([true]).success).toBe(false);
  });

  it("checks power tables: bigint powers ≥ 0, x-only keys", () => {
    const entry = { btcPk: "a".repeat(64), power: 1n, slashed: false };
    const ok = { btcHeight: 1, totalPower: 1n, providers: [entry] };
    expect(powerTableSchema.safeParse(ok).success).toBe(true);
    expect(powerTableSchema.safeParse({ ...ok, totalPower: 1 }).success).toBe(false);
    expect(powerTableSchema.safeParse({ ...ok, totalPower: -1n }).success).toBe(false);
    expect(
      powerTableSchema.safeParse({ ...ok, providers: [{ ...entry, btcPk: "A".repeat(64) }] }).success,
    ).toBe(false);
  });
});
