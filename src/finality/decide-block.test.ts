import { describe, expect, it } from "vitest";
import {
  fakeChain,
  fakeHash,
  fakeSources,
  powerTable,
  reorgChain,
} from "../../test/support/fake-finality-sources.ts";
import { createContext } from "./context.ts";
import { decideBlock, decideInContext } from "./decide-block.ts";
import { InvalidFinalityConfigError } from "./errors.ts";
import { resolveConfig } from "./grid.ts";
import type { BlockRef, FinalityConfig } from "./types.ts";

const at = (chain: BlockRef[], n: number): BlockRef => chain[n] as BlockRef;
const EVEN = { a: 100n, b: 100n, c: 100n };

/** Sources over a chain of `length` blocks where `fps` vote for every listed height. */
function voted(length: number, heights: number[], fps = ["a", "b"], powers: Record<string, bigint> = EVEN) {
  const src = fakeSources(fakeChain(length), powers);
  for (const h of heights) src.vote(at(src.chain, h), fps);
  return src;
}

const range = (from: number, to: number, step = 1) =>
  Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

const I1: FinalityConfig = { activationHeight: 0n, interval: 1n };
const I5: FinalityConfig = { activationHeight: 10n, interval: 5n };

describe("quorum threshold", () => {
  it("reaches quorum at exactly 2/3 of the power", async () => {
    const src = voted(1, [0], ["a"], { a: 200n, b: 100n });
    const d = await decideBlock(src, I1, at(src.chain, 0));
    expect(d.status).toBe("finalized");
    expect(d.finalized).toBe(true);
    expect(d.quorum).toEqual({ votedPower: 200n, totalPower: 300n, threshold: 200n, reached: true });
    expect(d.btcHeight).toBe(100n);
    expect(d.voters).toEqual([expect.objectContaining({ fpBtcPk: "a", power: 200n })]);
  });

  it("does not reach quorum one sat below 2/3", async () => {
    const src = voted(1, [0], ["a"], { a: 199n, b: 101n });
    const d = await decideBlock(src, I1, at(src.chain, 0));
    expect(d.status).toBe("pending");
    expect(d.finalized).toBe(false);
    expect(d.quorum).toEqual({ votedPower: 199n, totalPower: 300n, threshold: 200n, reached: false });
    expect(d.reason).toMatch(/quorum not reached at grid height 0/);
  });

  it("rounds the threshold up and honours a configured ratio", async () => {
    const src = voted(1, [0], ["a"], { a: 67n, b: 33n });
    const d = await decideBlock(src, I1, at(src.chain, 0));
    expect(d.quorum).toMatchObject({ threshold: 67n, reached: true });
    const half = voted(1, [0], ["a"], { a: 50n, b: 50n });
    const h = await decideBlock(
      half,
      { ...I1, quorum: { numerator: 1n, denominator: 2n } },
      at(half.chain, 0),
    );
    expect(h.quorum).toMatchObject({ threshold: 50n, reached: true });
    expect((await decideBlock(half, I1, at(half.chain, 0))).status).toBe("pending");
  });

  it("reports no_voting_power when the total is zero", async () => {
    const src = voted(1, [0], ["a"], { a: 0n });
    const d = await decideBlock(src, I1, at(src.chain, 0));
    expect(d.status).toBe("no_voting_power");
    expect(d.finalized).toBe(false);
    expect(d.quorum).toMatchObject({ totalPower: 0n, reached: false });
  });

  it("does not count a slashed FP's vote (power 0) but lists it", async () => {
    const src = voted(1, [0], ["a", "s"], { a: 100n, b: 100n, s: 0n });
    const d = await decideBlock(src, I1, at(src.chain, 0));
    expect(d.status).toBe("pending");
    expect(d.quorum).toMatchObject({ votedPower: 100n, totalPower: 200n });
    expect(d.voters.map((v) => [v.fpBtcPk, v.power])).toEqual([
      ["a", 100n],
      ["s", 0n],
    ]);
  });

  it("lists an unknown voter with power 0 and counts a duplicate vote once", async () => {
    const src = voted(1, [0], ["a", "zz", "a"], { a: 100n, b: 100n });
    const d = await decideBlock(src, I1, at(src.chain, 0));
    expect(d.voters.map((v) => [v.fpBtcPk, v.power])).toEqual([
      ["a", 100n],
      ["zz", 0n],
    ]);
    expect(d.quorum).toMatchObject({ votedPower: 100n, reached: false });
  });

  it("matches FP keys case-insensitively", async () => {
    const src = voted(1, [0], ["AB", "cd"], { ab: 100n, CD: 100n, ef: 100n });
    expect((await decideBlock(src, I1, at(src.chain, 0))).status).toBe("finalized");
  });
});

describe("chain rule", () => {
  it("interval 1: finalized only when every height from A has quorum", async () => {
    const src = voted(6, range(0, 5));
    expect((await decideBlock(src, I1, at(src.chain, 5))).status).toBe("finalized");
    const gap = voted(6, [0, 1, 2, 4, 5]);
    const d = await decideBlock(gap, I1, at(gap.chain, 5));
    expect(d.status).toBe("pending");
    expect(d.quorum?.reached).toBe(true);
    expect(d.reason).toMatch(/previous grid block 3 .* has no quorum/);
  });

  it("interval 5, activation 10: grid blocks need their grid ancestors", async () => {
    const src = voted(21, [10, 15, 20]);
    const d = await decideBlock(src, I5, at(src.chain, 20));
    expect(d).toMatchObject({ status: "finalized", gridHeight: 20n });
    // off-grid heights are never voted on: only the grid matters.
    expect(src.book.has(`11/${fakeHash(11n)}`)).toBe(false);
    const missing = voted(21, [10, 20]);
    const p = await decideBlock(missing, I5, at(missing.chain, 20));
    expect(p.status).toBe("pending");
    expect(p.reason).toMatch(/previous grid block 15/);
  });

  it("the first grid height at or above A needs only quorum", async () => {
    const src = voted(11, [10]);
    const calls = src.calls;
    const d = await decideBlock(src, I5, at(src.chain, 10));
    expect(d.status).toBe("finalized");
    expect(calls.votes).toBe(1);
  });

  it("answers before_activation below A, even with votes", async () => {
    const src = voted(11, range(0, 10));
    const d = await decideBlock(src, I5, at(src.chain, 9));
    expect(d).toMatchObject({
      status: "before_activation",
      finalized: false,
      gridHeight: null,
      quorum: null,
    });
    expect(src.calls.votes).toBe(0);
  });

  it("an ancestor without voting power blocks finality", async () => {
    const src = voted(16, [10, 15]);
    src.table = (ts) => (ts === 1010n ? powerTable({}) : powerTable(EVEN));
    const d = await decideBlock(src, I5, at(src.chain, 15));
    expect(d.status).toBe("pending");
    expect(d.reason).toMatch(/previous grid block 10 .* has no voting power/);
  });
});

describe("off-grid blocks", () => {
  it("is finalized when the next grid block is finalized and links down to it", async () => {
    const src = voted(21, [10, 15, 20]);
    const d = await decideBlock(src, I5, at(src.chain, 17));
    expect(d).toMatchObject({ status: "finalized", finalized: true, gridHeight: 20n });
    expect(d.block).toEqual(at(src.chain, 17));
    expect(d.voters).toHaveLength(2);
  });

  it("is pending when the next grid block is not finalized", async () => {
    const src = voted(21, [10, 15]);
    const d = await decideBlock(src, I5, at(src.chain, 17));
    expect(d).toMatchObject({ status: "pending", gridHeight: 20n });
  });

  it("is pending while the next grid block does not exist", async () => {
    const src = voted(19, [10, 15]);
    const d = await decideBlock(src, I5, at(src.chain, 17));
    expect(d.status).toBe("pending");
    expect(d.reason).toMatch(/grid block 20 not produced yet/);
  });

  it("fails closed when the parent-hash chain from g does not reach h", async () => {
    const src = voted(21, [10, 15, 20]);
    // block 19 at its height, but block 20 names another parent (a read across a reorg).
    src.chain[20] = { ...at(src.chain, 20), parentHash: fakeHash(19n, 7) };
    src.vote(at(src.chain, 20), ["a", "b"]);
    const d = await decideBlock(src, I5, at(src.chain, 17));
    expect(d.status).toBe("pending");
    expect(d.reason).toMatch(/changed/);
  });
});

describe("reorgs: every answer is about a hash", () => {
  it("a hash that is not canonical at its height is not_canonical", async () => {
    const src = voted(21, [10, 15, 20]);
    const old = at(src.chain, 20);
    src.chain = reorgChain(src.chain, 18, 1);
    const d = await decideBlock(src, I5, old);
    expect(d).toMatchObject({ status: "not_canonical", finalized: false, gridHeight: null });
    expect(d.block).toEqual(old);
    expect(d.reason).toContain(fakeHash(20n, 1));
    // the new block at 20 has no votes for its hash; the old votes do not carry over.
    expect((await decideBlock(src, I5, at(src.chain, 20))).status).toBe("pending");
    // an off-grid block below the reorg point now hangs under the new grid block 20.
    expect((await decideBlock(src, I5, at(src.chain, 17))).status).toBe("pending");
  });

  it("a height past the head is not_canonical", async () => {
    const src = voted(5, range(0, 4));
    const d = await decideBlock(src, I1, { number: 9n, hash: fakeHash(9n) });
    expect(d.status).toBe("not_canonical");
  });

  it("accepts upper-case hashes", async () => {
    const src = voted(1, [0]);
    const b = at(src.chain, 0);
    const d = await decideBlock(src, I1, {
      number: 0n,
      hash: b.hash.toUpperCase().replace("0X", "0x") as `0x${string}`,
    });
    expect(d.status).toBe("finalized");
  });
});

describe("finalized tip", () => {
  it("stops the walk at the tip: no recomputation below it", async () => {
    const src = voted(31, [25, 30]); // 10, 15, 20 have no votes at all
    src.finalizedTip = { number: 20n, hash: fakeHash(20n) };
    const d = await decideBlock(src, I5, at(src.chain, 30));
    expect(d.status).toBe("finalized");
    expect(src.calls.votes).toBe(2);
    expect(src.calls.powerAt).toBe(2);
  });

  it("answers blocks at or below the tip as finalized without walking back, carrying their grid block's evidence", async () => {
    const src = voted(31, [15, 20]);
    src.finalizedTip = { number: 20n, hash: fakeHash(20n) };
    const off = await decideBlock(src, I5, at(src.chain, 12));
    expect(off).toMatchObject({
      status: "finalized",
      reason: "at or below the finalized tip",
      gridHeight: 15n,
      gridBlock: { number: 15n, hash: fakeHash(15n) },
      quorum: { reached: true },
    });
    expect(off.voters.length).toBeGreaterThan(0);
    // One grid block's votes and power per answer: no walk down to activation.
    expect(src.calls.votes).toBe(1);
    expect(src.calls.powerAt).toBe(1);
  });

  it("says so when a tip-covered block's recomputed evidence falls short, and reads nothing with evidence off", async () => {
    const src = voted(31, []);
    src.finalizedTip = { number: 20n, hash: fakeHash(20n) };
    const d = await decideBlock(src, I5, at(src.chain, 20));
    expect(d).toMatchObject({ status: "finalized", finalized: true, quorum: { reached: false } });
    expect(d.reason).toBe("at or below the finalized tip; today's recomputed power is below quorum");
    const ctx = createContext(src, resolveConfig(I5));
    const bare = await decideInContext(ctx, at(src.chain, 12), { evidence: false });
    expect(bare).toMatchObject({ status: "finalized", quorum: null, gridBlock: null });
    expect(src.calls.votes).toBe(1);
  });

  it("ignores a tip that is no longer canonical", async () => {
    const src = voted(31, [25, 30]);
    src.finalizedTip = { number: 20n, hash: fakeHash(20n, 9) };
    const d = await decideBlock(src, I5, at(src.chain, 30));
    expect(d.status).toBe("pending");
    const below = await decideBlock(src, I5, at(src.chain, 12));
    expect(below.status).toBe("pending");
  });

  it("never reports a non-canonical block finalized even below the tip", async () => {
    const src = voted(31, []);
    src.finalizedTip = { number: 20n, hash: fakeHash(20n) };
    const d = await decideBlock(src, I5, { number: 12n, hash: fakeHash(12n, 3) });
    expect(d.status).toBe("not_canonical");
  });
});

describe("recursion bound", () => {
  it("walks at most maxGridSteps grid ancestors, then answers pending", async () => {
    const src = voted(100, range(0, 99));
    expect((await decideBlock(src, I1, at(src.chain, 64))).status).toBe("finalized");
    const deep = await decideBlock(src, I1, at(src.chain, 65));
    expect(deep.status).toBe("pending");
    expect(deep.quorum?.reached).toBe(true);
    expect(deep.reason).toBe("ancestry too deep to decide; wait for the tip to advance");
    const small = await decideBlock(src, { ...I1, maxGridSteps: 3 }, at(src.chain, 4));
    expect(small.status).toBe("pending");
    expect((await decideBlock(src, { ...I1, maxGridSteps: 3 }, at(src.chain, 3))).status).toBe("finalized");
  });

  it("a tip within the bound makes deep blocks decidable", async () => {
    const src = voted(100, range(0, 99));
    src.finalizedTip = { number: 50n, hash: fakeHash(50n) };
    expect((await decideBlock(src, I1, at(src.chain, 99))).status).toBe("finalized");
    expect(src.calls.votes).toBe(49);
  });
});

describe("config", () => {
  it("rejects configs that define no rule", async () => {
    const src = voted(1, [0]);
    const bad: FinalityConfig[] = [
      { activationHeight: 0n, interval: 0n },
      { activationHeight: -1n, interval: 1n },
      { activationHeight: 0n, interval: 1n, quorum: { numerator: 3n, denominator: 2n } },
      { activationHeight: 0n, interval: 1n, quorum: { numerator: 0n, denominator: 2n } },
      { activationHeight: 0n, interval: 1n, maxGridSteps: 0 },
    ];
    for (const config of bad) {
      const err = await decideBlock(src, config, at(src.chain, 0)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidFinalityConfigError);
      expect((err as InvalidFinalityConfigError).code).toBe("invalid_finality_config");
    }
  });

  it("propagates source failures (fail closed)", async () => {
    const src = voted(1, [0]);
    const boom = new Error("rpc down");
    src.powerAt = async () => {
      throw boom;
    };
    await expect(decideBlock(src, I1, at(src.chain, 0))).rejects.toBe(boom);
  });
});
