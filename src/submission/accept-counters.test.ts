import { describe, expect, it } from "vitest";
import { memoryKv } from "../../test/support/fake-readers.ts";
import {
  acceptCountsFlushDue,
  countAccept,
  FLUSH_EVERY_MS,
  flushAcceptCounts,
  foldAcceptCounts,
  readAcceptCounts,
} from "./accept-counters.ts";

const CHAIN = "op-devnet";
const refuse = (kv: KVNamespace, code: string, times = 1) => {
  for (let i = 0; i < times; i++) {
    countAccept(kv, CHAIN, (c) => {
      c.refused[code] = (c.refused[code] ?? 0) + 1;
    });
  }
};

describe("accept counters", () => {
  it("count in memory with no KV write, flush as write-once deltas, and read the sum of everything", async () => {
    const store = memoryKv();
    const kv = store as unknown as KVNamespace;
    refuse(kv, "merkle_error", 500);
    countAccept(kv, CHAIN, (c) => {
      c.accepted.vote += 3;
    });
    expect(store.ops.put).toBe(0);
    expect((await readAcceptCounts(kv, CHAIN)).refused).toEqual({ merkle_error: 500 });

    expect(acceptCountsFlushDue(kv, FLUSH_EVERY_MS)).toBe(true);
    await flushAcceptCounts(kv, FLUSH_EVERY_MS);
    expect(store.ops.put).toBe(1);
    expect(acceptCountsFlushDue(kv, FLUSH_EVERY_MS + 1)).toBe(false); // nothing new
    refuse(kv, "merkle_error");
    expect(acceptCountsFlushDue(kv, FLUSH_EVERY_MS + 1)).toBe(false); // too soon
    expect(acceptCountsFlushDue(kv, 2 * FLUSH_EVERY_MS)).toBe(true);
    await flushAcceptCounts(kv, 2 * FLUSH_EVERY_MS);
    expect([...store.store.keys()].filter((k) => k.startsWith(`metrics/${CHAIN}/delta/`))).toHaveLength(2);
    const counts = await readAcceptCounts(kv, CHAIN);
    expect(counts.refused).toEqual({ merkle_error: 501 });
    expect(counts.accepted).toEqual({ commit: 0, vote: 3 });
  });

  it("fold deltas into one total, never counting one twice, even when a delete failed", async () => {
    const store = memoryKv();
    const kv = store as unknown as KVNamespace;
    refuse(kv, "eots_error", 2);
    await flushAcceptCounts(kv, 1);
    refuse(kv, "eots_error", 3);
    await flushAcceptCounts(kv, 2 * FLUSH_EVERY_MS);
    // The first fold's deletes fail: the deltas stay behind.
    const remove = store.delete;
    store.delete = async () => {
      throw new Error("KV delete failed");
    };
    await expect(foldAcceptCounts(kv, CHAIN)).rejects.toThrow("KV delete failed");
    store.delete = remove;
    expect((await readAcceptCounts(kv, CHAIN)).refused).toEqual({ eots_error: 5 });
    // The next fold skips what the total already holds and deletes it.
    expect(await foldAcceptCounts(kv, CHAIN)).toBe(0);
    expect([...store.store.keys()].filter((k) => k.includes("/delta/"))).toEqual([]);
    refuse(kv, "eots_error");
    await flushAcceptCounts(kv, 3 * FLUSH_EVERY_MS);
    expect(await foldAcceptCounts(kv, CHAIN)).toBe(1);
    expect((await readAcceptCounts(kv, CHAIN)).refused).toEqual({ eots_error: 6 });
  });

  it("keeps what a failed flush could not write for the next one", async () => {
    const store = memoryKv();
    const kv = store as unknown as KVNamespace;
    refuse(kv, "hex_error", 4);
    const put = store.put;
    store.put = async () => {
      throw new Error("KV put failed");
    };
    await flushAcceptCounts(kv, 1);
    store.put = put;
    expect((await readAcceptCounts(kv, CHAIN)).refused).toEqual({ hex_error: 4 });
    await flushAcceptCounts(kv, 2 * FLUSH_EVERY_MS);
    expect(await foldAcceptCounts(kv, CHAIN)).toBe(1);
    expect((await readAcceptCounts(kv, CHAIN)).refused).toEqual({ hex_error: 4 });
  });
});
