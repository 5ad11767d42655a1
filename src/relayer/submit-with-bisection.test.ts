// submitWithBisection over a fake chain: atomic txs, the first bad message named by index (or not), a gas
// cap in messages, and an RPC that goes away after some calls.
import { describe, expect, it } from "vitest";
import { RelayerUnavailableError } from "./errors.ts";
import { submitWithBisection } from "./submit-with-bisection.ts";
import type { BatchOutcome, Instruction } from "./types.ts";

type Item = { id: number; bad?: boolean };

const toInstruction = (item: Item): Instruction => ({ contractAddress: "bbn1contract", msg: item });

const items = (n: number, bad: number[] = []): Item[] =>
  Array.from({ length: n }, (_, id) => ({ id, ...(bad.includes(id) ? { bad: true } : {}) }));

type FakeOptions = {
  /** Report the failing message's index (wasmd does); false: a failure without index. */
  withIndex?: boolean;
  /** At most this many messages fit in one tx. */
  maxMessages?: number;
  /** Throw RelayerUnavailableError from this call (1-based) on. */
  unavailableFrom?: number;
  /** Where a rejection happens. */
  stage?: "simulate" | "deliver";
};

function fakeChain(options: FakeOptions = {}) {
  const calls: number[][] = [];
  const landed: number[] = [];
  let height = 100;
  const submit = async (instructions: Instruction[]): Promise<BatchOutcome> => {
    const batch = instructions.map((instruction) => instruction.msg as Item);
    calls.push(batch.map((item) => item.id));
    if (options.unavailableFrom !== undefined && calls.length >= options.unavailableFrom) {
      throw new RelayerUnavailableError("simulate", new Error("fetch failed"));
    }
    if (options.maxMessages !== undefined && batch.length > options.maxMessages) {
      return {
        kind: "too_large",
        gasLimit: batch.length * 300_000,
        maxGasPerTx: 1_000_000,
        messages: batch.length,
      };
    }
    const firstBad = batch.findIndex((item) => item.bad);
    if (firstBad >= 0) {
      const error = {
        code: "failed_signature_verification",
        message: "Failed to verify signature: EOTS",
        ...(options.stage === "deliver" ? { codespace: "wasm", abciCode: 5 } : {}),
      };
      return {
        kind: "rejected",
        stage: options.stage ?? "simulate",
        failedIndex: options.withIndex === false ? null : firstBad,
        error,
        ...(options.stage === "deliver" ? { txHash: `FAILED${calls.length}`, height } : {}),
      };
    }
    height += 1;
    landed.push(...batch.map((item) => item.id));
    return {
      kind: "included",
      txHash: `TX${calls.length}`,
      height,
      gasUsed: 1,
      gasWanted: 1,
      fee: { denom: "ubbn", amount: "1" },
      messages: batch.length,
    };
  };
  return { submit, calls, landed };
}

describe("submitWithBisection", () => {
  it("lands a clean batch in one submit", async () => {
    const chain = fakeChain();
    const outcomes = await submitWithBisection(items(10), toInstruction, chain.submit);
    expect(chain.calls).toHaveLength(1);
    expect(outcomes).toEqual(Array(10).fill({ status: "submitted", txHash: "TX1", height: 101 }));
  });

  it("one bad item among 10: the other 9 land in 2 submits", async () => {
    const chain = fakeChain();
    const outcomes = await submitWithBisection(items(10, [6]), toInstruction, chain.submit);
    expect(chain.calls).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      [0, 1, 2, 3, 4, 5, 7, 8, 9],
    ]);
    expect(outcomes[6]).toEqual({
      status: "failed",
      stage: "simulate",
      error: { code: "failed_signature_verification", message: "Failed to verify signature: EOTS" },
    });
    for (const [i, outcome] of outcomes.entries()) {
      if (i !== 6) expect(outcome).toEqual({ status: "submitted", txHash: "TX2", height: 101 });
    }
  });

  it("two bad items: each dropped by its index, the rest land in 3 submits", async () => {
    const chain = fakeChain();
    const outcomes = await submitWithBisection(items(10, [2, 7]), toInstruction, chain.submit);
    expect(chain.calls).toHaveLength(3);
    expect(outcomes.filter((o) => o.status === "failed")).toHaveLength(2);
    expect(outcomes[2]?.status).toBe("failed");
    expect(outcomes[7]?.status).toBe("failed");
    expect(chain.landed.sort((a, b) => a - b)).toEqual([0, 1, 3, 4, 5, 6, 8, 9]);
  });

  it("a failure in a block (fee spent) drops the named item the same way", async () => {
    const chain = fakeChain({ stage: "deliver" });
    const outcomes = await submitWithBisection(items(5, [0]), toInstruction, chain.submit);
    expect(chain.calls).toHaveLength(2);
    expect(outcomes[0]).toMatchObject({ status: "failed", stage: "deliver" });
    expect(outcomes.slice(1).every((o) => o.status === "submitted")).toBe(true);
  });

  it("rejections without an index bisect: ≤ 2·log2(n)+1 submits per bad item", async () => {
    for (const n of [2, 7, 16, 33, 100]) {
      for (const bad of [0, Math.floor(n / 2), n - 1]) {
        const chain = fakeChain({ withIndex: false });
        const outcomes = await submitWithBisection(items(n, [bad]), toInstruction, chain.submit);
        expect(chain.calls.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(n)) + 1);
        expect(outcomes[bad]).toMatchObject({
          status: "failed",
          error: { code: "failed_signature_verification" },
        });
        expect(outcomes.filter((o) => o.status === "submitted")).toHaveLength(n - 1);
        // Nothing landed twice, nothing bad landed.
        expect(new Set(chain.landed).size).toBe(n - 1);
        expect(chain.landed).not.toContain(bad);
      }
    }
  });

  it("two bad items without index: both failed, the rest land, within the per-item bound", async () => {
    const n = 64;
    const chain = fakeChain({ withIndex: false });
    const outcomes = await submitWithBisection(items(n, [5, 40]), toInstruction, chain.submit);
    expect(chain.calls.length).toBeLessThanOrEqual(2 * (2 * Math.log2(n) + 1));
    expect(outcomes.filter((o) => o.status === "failed")).toHaveLength(2);
    expect(new Set(chain.landed).size).toBe(n - 2);
  });

  it("too_large splits by the gas it needs until the parts fit; a single message that cannot fit fails", async () => {
    const chain = fakeChain({ maxMessages: 3 });
    const outcomes = await submitWithBisection(items(10), toInstruction, chain.submit);
    expect(outcomes.every((o) => o.status === "submitted")).toBe(true);
    // 10 need 3.0M of 1.0M: 3 parts (4, 3, 3); the 4 need 1.2M: 2 parts.
    expect(chain.calls.map((c) => c.length)).toEqual([10, 4, 2, 2, 3, 3]);
    expect(chain.landed).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

    const tiny = fakeChain({ maxMessages: 0 });
    const [only] = await submitWithBisection(items(1), toInstruction, tiny.submit);
    expect(only).toMatchObject({ status: "failed", stage: "size", error: { code: "tx_too_large" } });
  });

  it("unavailable mid-way: what landed stays submitted, only the rest is retry, nothing more is sent", async () => {
    // Call 1: rejected (item 3), call 2: the other 9 … would land, but the RPC is gone from call 2 on.
    const chain = fakeChain({ unavailableFrom: 2 });
    const outcomes = await submitWithBisection(items(10, [3]), toInstruction, chain.submit);
    expect(chain.calls).toHaveLength(2);
    expect(outcomes[3]).toMatchObject({ status: "failed" });
    for (const [i, outcome] of outcomes.entries()) {
      if (i !== 3)
        expect(outcome).toMatchObject({ status: "retry", reason: expect.stringContaining("fetch failed") });
    }

    // Bisecting without index: the first half lands, then the RPC goes away.
    const later = fakeChain({ withIndex: false, unavailableFrom: 3 });
    const result = await submitWithBisection(items(8, [6]), toInstruction, later.submit);
    expect(later.calls.map((c) => c.length)).toEqual([8, 4, 4]);
    expect(result.slice(0, 4).every((o) => o.status === "submitted")).toBe(true);
    expect(result.slice(4).every((o) => o.status === "retry")).toBe(true);
  });

  it("unknown: every item of that tx is unknown with its hash; other halves go on", async () => {
    let call = 0;
    const outcomes = await submitWithBisection(items(4), toInstruction, async (instructions) => {
      call += 1;
      if (call === 1)
        return { kind: "too_large", gasLimit: 2, maxGasPerTx: 1, messages: instructions.length };
      if (call === 2) return { kind: "unknown", txHash: "PENDING" };
      return {
        kind: "included",
        txHash: "TX",
        height: 7,
        gasUsed: 1,
        gasWanted: 1,
        fee: { denom: "ubbn", amount: "1" },
        messages: instructions.length,
      };
    });
    expect(outcomes).toEqual([
      { status: "unknown", txHash: "PENDING" },
      { status: "unknown", txHash: "PENDING" },
      { status: "submitted", txHash: "TX", height: 7 },
      { status: "submitted", txHash: "TX", height: 7 },
    ]);
  });

  it("a refusal of the relayer's own (fee, funds, sequence) is not bisected: everything is retry", async () => {
    let calls = 0;
    const outcomes = await submitWithBisection(items(6), toInstruction, async () => {
      calls += 1;
      return {
        kind: "rejected",
        stage: "check",
        txHash: "X",
        failedIndex: null,
        error: {
          code: "insufficient_funds",
          message: "…: insufficient funds",
          codespace: "sdk",
          abciCode: 5,
        },
      };
    });
    expect(calls).toBe(1);
    expect(outcomes.every((o) => o.status === "retry" && o.error?.code === "insufficient_funds")).toBe(true);
  });

  it("out of gas in a block (no index) bisects", async () => {
    let calls = 0;
    const outcomes = await submitWithBisection(items(4), toInstruction, async (instructions) => {
      calls += 1;
      if (instructions.length > 2) {
        return {
          kind: "rejected",
          stage: "deliver",
          txHash: "OOG",
          height: 5,
          failedIndex: null,
          error: { code: "out_of_gas", message: "out of gas", codespace: "sdk", abciCode: 11 },
        };
      }
      return {
        kind: "included",
        txHash: `T${calls}`,
        height: 6,
        gasUsed: 1,
        gasWanted: 1,
        fee: { denom: "ubbn", amount: "1" },
        messages: instructions.length,
      };
    });
    expect(calls).toBe(3);
    expect(outcomes.map((o) => o.status)).toEqual(["submitted", "submitted", "submitted", "submitted"]);
  });

  it("an unexpected error from submit does not throw: undecided items are retry", async () => {
    const outcomes = await submitWithBisection(items(2), toInstruction, async () => {
      throw new Error("boom");
    });
    expect(outcomes).toEqual([
      { status: "retry", reason: "submit failed: boom" },
      { status: "retry", reason: "submit failed: boom" },
    ]);
  });

  it("an empty list sends nothing", async () => {
    const chain = fakeChain();
    expect(await submitWithBisection([], toInstruction, chain.submit)).toEqual([]);
    expect(chain.calls).toHaveLength(0);
  });
});
