// The event stream's small pure parts: decoding events, ordering positions, the reconnect back-off.
import { describe, expect, it } from "vitest";
import { InvalidResponseError } from "../errors/index.ts";
import { decodeEvent } from "./decode-event.ts";
import { reconnectDelay } from "./reconnect-delay.ts";
import {
  afterFinalized,
  comparePositions,
  minPosition,
  positionOfId,
  type StreamPosition,
} from "./stream-position.ts";

const block = { number: 7, hash: "0xab", timestamp: 1_700_000_007 };
const message = (type: string, data: unknown, lastEventId = "") => ({
  type,
  data: typeof data === "string" ? data : JSON.stringify(data),
  lastEventId,
});

describe("decodeEvent", () => {
  it("the four known types, extra fields dropped", () => {
    expect(decodeEvent(message("finalized", { ...block, extra: 1 }, "7"))).toEqual({
      type: "finalized",
      id: "7",
      data: block,
    });
    expect(decodeEvent(message("finalized", block))).toMatchObject({ id: "7" }); // no id: its height
    const eq = { fpBtcPkHex: "ab", height: 6, source: "babylon" };
    expect(decodeEvent(message("equivocation", eq, "7:3"))).toEqual({
      type: "equivocation",
      id: "7:3",
      data: eq,
    });
    const slashed = { fpBtcPkHex: "ab", babylonHeight: null, btcHeight: 900 };
    expect(decodeEvent(message("slashed", slashed, "7:4"))).toEqual({
      type: "slashed",
      id: "7:4",
      data: slashed,
    });
    expect(decodeEvent(message("resync", { oldest: 3, tip: null }))).toEqual({
      type: "resync",
      data: { oldest: 3, tip: null },
    });
  });

  it("unknown types are skipped; malformed known ones are InvalidResponseError", () => {
    expect(decodeEvent(message("message", "hello"))).toBeUndefined();
    expect(decodeEvent(message("reorg", {}))).toBeUndefined();
    const bad = [
      message("finalized", "{not json"),
      message("finalized", { number: -1, hash: "0x", timestamp: 1 }),
      message("equivocation", { fpBtcPkHex: "ab", height: 1, source: "elsewhere" }),
      message("equivocation", { fpBtcPkHex: "ab", height: 1, source: "edge", submissionId: 5 }),
      message("slashed", { fpBtcPkHex: "ab", babylonHeight: "1", btcHeight: null }),
      message("resync", { oldest: 3, tip: { number: 1 } }),
      message("resync", []),
    ];
    for (const m of bad) expect(decodeEvent(m), m.data).toBeInstanceOf(InvalidResponseError);
  });
});

describe("stream positions", () => {
  it("reads both id forms and nothing else", () => {
    expect(positionOfId("12")).toEqual({ height: 12, seq: -1, id: "12" });
    expect(positionOfId("12:40")).toEqual({ height: 12, seq: 40, id: "12:40" });
    for (const id of ["", "x", "1:", ":1", "1:2:3", "-1", "1.5", "12345678901234567"])
      expect(positionOfId(id), id).toBeUndefined();
  });

  it("orders finalized N before the events logged at tip N, before finalized N+1", () => {
    const at = (id: string) => positionOfId(id) as StreamPosition;
    const order = ["11:9", "12", "12:3", "12:40", "13"].map(at);
    for (let i = 1; i < order.length; i++)
      expect(comparePositions(order[i - 1] as StreamPosition, order[i] as StreamPosition)).toBeLessThan(0);
    expect(comparePositions(afterFinalized(12), at("12"))).toBe(0);
    expect(minPosition(undefined, afterFinalized(3))).toEqual(afterFinalized(3));
    expect(minPosition(afterFinalized(3), positionOfId("2:9"))).toEqual(positionOfId("2:9"));
    expect(minPosition(undefined, undefined)).toBeUndefined();
  });
});

describe("reconnectDelay", () => {
  const base = { initialMs: 1_000, maxMs: 30_000 };
  it("doubles per failure up to the cap, jittered within the upper half", () => {
    const low = (f: number) => reconnectDelay(f, { ...base, random: () => 0 });
    const high = (f: number) => reconnectDelay(f, { ...base, random: () => 1 });
    expect([0, 1, 2, 3, 4, 5, 6, 40].map(high)).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
    expect([0, 1, 5].map(low)).toEqual([500, 1_000, 15_000]);
  });

  it("never sooner than the server's retry: (which also raises the cap) or a capped Retry-After", () => {
    expect(reconnectDelay(0, { ...base, retryMs: 4_000, random: () => 0 })).toBe(4_000);
    expect(reconnectDelay(3, { ...base, retryMs: 4_000, random: () => 1 })).toBe(30_000);
    expect(reconnectDelay(0, { ...base, retryMs: 60_000, random: () => 1 })).toBe(60_000);
    expect(reconnectDelay(0, { ...base, retryAfterMs: 7_000, random: () => 0 })).toBe(7_000);
    expect(reconnectDelay(0, { ...base, retryAfterMs: 3_600_000, random: () => 0 })).toBe(30_000);
  });
});
