import { describe, expect, it } from "vitest";
import { fakeEnv, memoryKv } from "../../test/support/fake-readers.ts";
import { sqliteBooks } from "../../test/support/sqlite-books.ts";
import type { BatchOutcome, Instruction } from "../relayer/index.ts";
import { RelayerUnavailableError } from "../relayer/index.ts";
import { backoffSeconds, type ConsumerDeps, consumeSubmissions, MAX_ATTEMPTS } from "./consume.ts";
import { metricsFromCounters } from "./metrics.ts";
import type { QueuedSubmission } from "./types.ts";

type Settled = { acked: boolean; retried?: { delaySeconds?: number } };

function item(n: number, chain = "op-devnet"): QueuedSubmission {
  return {
    id: `v_${String(n).padStart(40, "0")}`,
    chain,
    kind: "vote",
    fpBtcPkHex: "aa".repeat(32),
    height: String(n),
    msg: { height: n } as never,
    equivocation: false,
    acceptedAt: 1,
  };
}

function batch(items: QueuedSubmission[], attempts = 1) {
  const settled = new Map<string, Settled>();
  const messages = items.map((body) => ({
    id: body.id,
    body,
    attempts,
    timestamp: new Date(0),
    ack: () => settled.set(body.id, { acked: true }),
    retry: (options?: { delaySeconds?: number }) =>
      settled.set(body.id, { acked: false, retried: options ?? {} }),
  }));
  return { batch: { queue: "q", messages } as unknown as MessageBatch<QueuedSubmission>, settled };
}

function setup(
  submit: (instructions: Instruction[]) => Promise<BatchOutcome>,
  onChain = async () => false,
  books = sqliteBooks(),
) {
  const kv = memoryKv();
  const dlq: unknown[] = [];
  const env = {
    ...fakeEnv(kv),
    MAX_BATCH: "3",
    SUBMISSIONS_DLQ: { send: async (body: unknown) => void dlq.push(body) },
  } as unknown as Env;
  const calls: number[] = [];
  const deps: ConsumerDeps = {
    relayer: async () => ({
      submitBatch: async (instructions) => {
        calls.push(instructions.length);
        return submit([...instructions]);
      },
    }),
    isOnChain: onChain,
    book: () => books.consumer,
  };
  return { kv, env, dlq, calls, deps, books };
}

const heightOf = (i: Instruction) =>
  (i.msg as { submit_finality_signature: { height: number } }).submit_finality_signature.height;
const included = (n: number): BatchOutcome => ({
  kind: "included",
  txHash: `TX${n}`,
  height: 100 + n,
  gasUsed: 1,
  gasWanted: 1,
  fee: { denom: "ubbn", amount: "1" },
  messages: n,
});

describe("consumeSubmissions", () => {
  it("batches MAX_BATCH messages per transaction and records each as submitted with its tx", async () => {
    const { env, calls, deps, books } = setup(async (ins) => included(ins.length));
    const { batch: b, settled } = batch([1, 2, 3, 4, 5].map((n) => item(n)));
    await consumeSubmissions(b, env, deps);
    expect(calls).toEqual([3, 2]);
    expect([...settled.values()].every((s) => s.acked)).toBe(true);
    expect(books.record(item(4).id)).toMatchObject({
      status: "submitted",
      txHash: "TX2",
      babylonHeight: 102,
    });
    const m = metricsFromCounters(books.counters());
    expect(m).toMatchObject({ submitted: 5, transactions: 2, batchSizes: { "3": 1, "2": 1 } });
  });

  it("dead-letters a message the chain refuses, lands the rest, and treats duplicated_finality_sig as already there", async () => {
    const { env, dlq, deps, books } = setup(async (ins) => {
      const bad = ins.findIndex((i) => heightOf(i) === 2);
      if (bad >= 0)
        return {
          kind: "rejected",
          stage: "simulate",
          failedIndex: bad,
          error: { code: "failed_signature_verification", message: "Failed to verify signature: EOTS" },
        };
      const dup = ins.findIndex((i) => heightOf(i) === 3);
      if (dup >= 0)
        return {
          kind: "rejected",
          stage: "simulate",
          failedIndex: dup,
          error: { code: "duplicated_finality_sig", message: "Duplicated finality signature" },
        };
      return included(ins.length);
    });
    const { batch: b, settled } = batch([1, 2, 3].map((n) => item(n)));
    await consumeSubmissions(b, env, deps);
    const record = (n: number) => books.record(item(n).id);
    expect(await record(1)).toMatchObject({ status: "submitted" });
    expect(await record(2)).toMatchObject({ status: "failed", code: "failed_signature_verification" });
    expect(await record(3)).toMatchObject({ status: "duplicate" });
    expect(dlq).toEqual([
      expect.objectContaining({
        id: item(2).id,
        error: expect.objectContaining({ code: "failed_signature_verification" }),
      }),
    ]);
    expect([...settled.values()].every((s) => s.acked)).toBe(true);
  });

  it("retries with backoff while Babylon is unavailable, and dead-letters once the attempts are spent", async () => {
    const down = async (): Promise<BatchOutcome> => {
      throw new RelayerUnavailableError("broadcast", new Error("connection refused"));
    };
    const first = setup(down);
    const { batch: b1, settled: s1 } = batch([item(1)], 1);
    await consumeSubmissions(b1, first.env, first.deps);
    expect(s1.get(item(1).id)).toEqual({ acked: false, retried: { delaySeconds: backoffSeconds(1) } });
    expect(first.books.record(item(1).id)).toBeNull();

    const last = setup(down);
    const { batch: b2, settled: s2 } = batch([item(1)], MAX_ATTEMPTS);
    await consumeSubmissions(b2, last.env, last.deps);
    expect(s2.get(item(1).id)).toEqual({ acked: true });
    expect(last.books.record(item(1).id)).toMatchObject({
      status: "failed",
      code: "upstream_unavailable",
    });
    expect(last.dlq).toHaveLength(1);
  });

  it("keeps an unconfirmed tx's hash, then finds the message on chain at redelivery instead of sending it again", async () => {
    const unknown = setup(async () => ({ kind: "unknown", txHash: "TXU" }));
    const { batch: b1, settled: s1 } = batch([item(7)], 1);
    await consumeSubmissions(b1, unknown.env, unknown.deps);
    expect(s1.get(item(7).id)?.acked).toBe(false);
    expect(unknown.books.record(item(7).id)).toMatchObject({
      status: "queued",
      lastTxHash: "TXU",
    });
    // Same coordinator state, second delivery: on chain now.
    const redelivery = setup(
      async () => {
        throw new Error("must not be sent again");
      },
      async () => true,
      unknown.books,
    );
    const env = redelivery.env;
    const { batch: b2, settled: s2 } = batch([item(7)], 2);
    await consumeSubmissions(b2, env, redelivery.deps);
    expect(redelivery.calls).toEqual([]);
    expect(s2.get(item(7).id)).toEqual({ acked: true });
    expect(unknown.books.record(item(7).id)).toMatchObject({
      status: "submitted",
      txHash: "TXU",
    });
  });

  it("retries everything, sending nothing, when the on-chain look-up itself fails", async () => {
    const { env, calls, deps } = setup(
      async (ins) => included(ins.length),
      async () => {
        throw new Error("babylon down");
      },
    );
    const { batch: b, settled } = batch([item(1), item(2)], 2);
    await consumeSubmissions(b, env, deps);
    expect(calls).toEqual([]);
    expect([...settled.values()].map((s) => s.acked)).toEqual([false, false]);
  });

  it("dead-letters a message for a chain that is no longer configured, with the reason", async () => {
    const { env, dlq, deps } = setup(async (ins) => included(ins.length));
    const { batch: b, settled } = batch([item(1, "gone")]);
    await consumeSubmissions(b, env, deps);
    expect(dlq).toMatchObject([{ id: item(1, "gone").id, error: { code: "unknown_chain" } }]);
    expect(settled.get(item(1, "gone").id)).toEqual({ acked: true });
  });

  it("acks a requeued copy of a settled message, and one of two copies in a batch, without sending either again", async () => {
    const { env, calls, deps, books } = setup(async (ins) => included(ins.length));
    const { batch: first } = batch([item(1)]);
    await consumeSubmissions(first, env, deps);
    expect(calls).toEqual([1]);
    const { batch: late, settled } = batch([{ ...item(1), requeued: true }]);
    await consumeSubmissions(late, env, deps);
    expect(calls).toEqual([1]);
    expect(settled.get(item(1).id)).toEqual({ acked: true });
    expect(books.record(item(1).id)).toMatchObject({
      status: "submitted",
      txHash: "TX1",
    });
    const { batch: twice } = batch([item(2), { ...item(2), requeued: true }]);
    await consumeSubmissions(twice, env, deps);
    expect(calls).toEqual([1, 1]);
  });

  it("looks a requeued message up on chain first: found there, it is settled without a transaction", async () => {
    const { env, calls, deps, books } = setup(
      async (ins) => included(ins.length),
      async () => true,
    );
    const { batch: b } = batch([{ ...item(5), requeued: true }]);
    await consumeSubmissions(b, env, deps);
    expect(calls).toEqual([]);
    expect(books.record(item(5).id)).toMatchObject({
      status: "submitted",
    });
    expect(books.outbox()).toEqual([]);
  });

  it("drops the chain's cached power tables once an equivocation lands (the FP is slashed in that tx)", async () => {
    const { env, kv, deps } = setup(async (ins) => included(ins.length));
    const store = (kv as unknown as { store: Map<string, string> }).store;
    store.set("power/op-devnet/200", "{}");
    store.set("power/op-devnet/201", "{}");
    store.set("power/other/200", "{}");
    await consumeSubmissions(batch([item(1)]).batch, env, deps);
    expect(store.has("power/op-devnet/200")).toBe(true);
    await consumeSubmissions(batch([{ ...item(2), equivocation: true }]).batch, env, deps);
    expect([...store.keys()].filter((k) => k.startsWith("power/"))).toEqual(["power/other/200"]);
  });

  it("acknowledges nothing until the coordinator holds the outcome: its failure redelivers the whole batch", async () => {
    const t = setup(async (ins) => included(ins.length));
    const failing = {
      ...t.deps,
      book: () => ({ ...t.books.consumer, apply: async () => Promise.reject(new Error("down")) }),
    };
    const { batch: b, settled } = batch([item(1), item(2)]);
    await consumeSubmissions(b, t.env, failing);
    expect([...settled.values()].map((s) => s.acked)).toEqual([false, false]);
    expect(t.books.record(item(1).id)).toBeNull();
  });
});
