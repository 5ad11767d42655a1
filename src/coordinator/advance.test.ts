import { describe, expect, it } from "vitest";
import { fakeReaders, memoryKv } from "../../test/support/fake-readers.ts";
import { sqliteStore } from "../../test/support/sqlite-store.ts";
import { BabylonUnavailableError } from "../babylon/index.ts";
import { FinalizedHistoryChangedError, newlyFinalized, nextGridHeight } from "./advance.ts";
import { advanceTip, EVENT_LOG_SCHEMA, readTip, resume } from "./event-log.ts";

// fakeReaders: activation 10, interval 5, blocks 0..30.
function setup() {
  const kv = memoryKv();
  const fake = fakeReaders(31);
  const cache = { chain: "op-devnet", kv: kv as unknown as KVNamespace, readers: fake.readers };
  return { kv, fake, cache };
}

describe("nextGridHeight", () => {
  it("is activation without a tip or below it, else the first grid height above the tip", () => {
    expect(nextGridHeight(null, 10, 5)).toBe(10);
    expect(nextGridHeight(3, 10, 5)).toBe(10);
    expect(nextGridHeight(10, 10, 5)).toBe(15);
    expect(nextGridHeight(12, 10, 5)).toBe(15);
    expect(nextGridHeight(14, 10, 5)).toBe(15);
  });
});

describe("newlyFinalized", () => {
  it("returns every height up to the highest finalized grid block, bounded, stopping at the first not finalized", async () => {
    const { fake, cache, kv } = setup();
    fake.vote([10, 15, 20, 30]); // 25 has no votes
    const first = await newlyFinalized(cache, null, 2);
    expect(first.map((b) => b.number)).toEqual([10, 11, 12, 13, 14, 15]);
    expect(JSON.parse(kv.store.get("tip/op-devnet") ?? "null")).toMatchObject({ height: 15 });
    const tip = first[first.length - 1] ?? null;
    const second = await newlyFinalized(cache, tip);
    expect(second.map((b) => b.number)).toEqual([16, 17, 18, 19, 20]);
    fake.vote([25]);
    const third = await newlyFinalized(cache, second[second.length - 1] ?? null);
    expect(third.map((b) => b.number)).toEqual([21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);
    // Each block is its successor's parent.
    for (let i = 1; i < third.length; i++) expect(third[i]?.number).toBe((third[i - 1]?.number ?? 0) + 1);
  });

  it("refuses to follow a chain that no longer extends the tip", async () => {
    const { fake, cache } = setup();
    fake.vote([10, 15]);
    const forged = { number: 12, hash: `0x${"ee".repeat(32)}` as const, timestamp: 0 };
    await expect(newlyFinalized(cache, forged)).rejects.toBeInstanceOf(FinalizedHistoryChangedError);
  });

  it("propagates an upstream failure (the caller keeps its tip)", async () => {
    const { fake, cache } = setup();
    fake.fail(new BabylonUnavailableError("config", new Error("down")));
    await expect(newlyFinalized(cache, null)).rejects.toBeInstanceOf(BabylonUnavailableError);
  });
});

describe("the event log over newly finalized blocks", () => {
  it("logs one finalized event per height, in order, moves the tip forward only, and resumes exactly", async () => {
    const { fake, cache } = setup();
    const sql = sqliteStore();
    sql.exec(EVENT_LOG_SCHEMA);
    fake.vote([10, 15, 20]);
    const blocks = await newlyFinalized(cache, null);
    const logged = advanceTip(sql, "op-devnet", blocks, 1);
    expect(logged.map((e) => e.id)).toEqual(blocks.map((b) => String(b.number)));
    expect(readTip(sql)?.number).toBe(20);
    // Replaying the same blocks changes nothing (the tip never moves back, nothing is logged twice).
    expect(advanceTip(sql, "op-devnet", blocks, 2)).toEqual([]);
    const after13 = resume(sql, "op-devnet", { afterId: "13" }, 100);
    expect(after13.kind).toBe("events");
    expect(after13.events.map((e) => e.id)).toEqual(["14", "15", "16", "17", "18", "19", "20"]);
    expect(resume(sql, "op-devnet", { afterHeight: 19 }, 100).events.map((e) => e.id)).toEqual(["20"]);
    // From before the first logged height while nothing was trimmed: everything.
    expect(resume(sql, "op-devnet", { afterHeight: 0 }, 100).events).toHaveLength(11);
  });
});
