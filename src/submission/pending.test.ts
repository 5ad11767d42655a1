import { describe, expect, it } from "vitest";
import { memoryKv } from "../../test/support/fake-readers.ts";
import { clearPending, putPending, requeueStale } from "./pending.ts";
import type { QueuedSubmission } from "./types.ts";

const item = (n: number): QueuedSubmission => ({
  id: `v_${String(n).padStart(40, "0")}`,
  chain: "op-devnet",
  kind: "vote",
  fpBtcPkHex: "aa".repeat(32),
  height: String(n),
  msg: {} as never,
  equivocation: false,
  acceptedAt: 0,
});

describe("pending submissions", () => {
  it("sends only the stale, unsettled ones again, marked requeued, and restarts their clock", async () => {
    const kv = memoryKv() as unknown as KVNamespace;
    const sent: QueuedSubmission[] = [];
    const queue = {
      sendBatch: async (m: { body: QueuedSubmission }[]) => void sent.push(...m.map((x) => x.body)),
    };
    await putPending(kv, item(1), 1_000); // stale
    await putPending(kv, item(2), 50_000); // fresh
    await putPending(kv, item(3), 1_000); // stale but settled
    await clearPending(kv, "op-devnet", item(3).id);
    const options = { olderThanMs: 30_000, max: 10, now: 60_000 };
    expect(await requeueStale(kv, queue as unknown as Queue, "op-devnet", options)).toBe(1);
    expect(sent).toEqual([{ ...item(1), requeued: true }]);
    // Sent at 60 s now: not stale again until 90 s (item 2 until 80 s).
    expect(await requeueStale(kv, queue as unknown as Queue, "op-devnet", { ...options, now: 75_000 })).toBe(
      0,
    );
    expect(await requeueStale(kv, queue as unknown as Queue, "op-devnet", { ...options, now: 95_000 })).toBe(
      2,
    );
  });
});
