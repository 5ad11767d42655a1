import { describe, expect, it } from "vitest";
import { fakeChain, fakeHash, fakeSources } from "../../test/support/fake-finality-sources.ts";
import { BlocksNotConsecutiveError } from "./errors.ts";
import { longestFinalizedPrefix } from "./longest-finalized-prefix.ts";
import type { BlockId, BlockRef, FinalityConfig } from "./types.ts";

const I1: FinalityConfig = { activationHeight: 0n, interval: 1n };
const ids = (chain: BlockRef[], from: number, to: number): BlockId[] =>
  chain.slice(from, to + 1).map((b) => ({ number: b.number, hash: b.hash }));

function voted(length: number, heights: number[]) {
  const src = fakeSources(fakeChain(length), { a: 100n, b: 100n, c: 100n });
  for (const h of heights) src.vote(src.chain[h] as BlockRef, ["a", "b"]);
  return src;
}

describe("longestFinalizedPrefix", () => {
  it("returns the finalized prefix (3 of 5), not all-or-nothing", async () => {
    const src = voted(5, [0, 1, 2, 4]);
    expect(await longestFinalizedPrefix(src, I1, ids(src.chain, 0, 4))).toEqual({
      number: 2n,
      hash: fakeHash(2n),
    });
  });

  it("returns the last block when the whole range is finalized", async () => {
    const src = voted(5, [0, 1, 2, 3, 4]);
    expect(await longestFinalizedPrefix(src, I1, ids(src.chain, 1, 4))).toEqual({
      number: 4n,
      hash: fakeHash(4n),
    });
  });

  it("stops at a hash that is not canonical", async () => {
    const src = voted(5, [0, 1, 2, 3, 4]);
    const blocks = ids(src.chain, 0, 4);
    blocks[2] = { number: 2n, hash: fakeHash(2n, 5) };
    expect(await longestFinalizedPrefix(src, I1, blocks)).toEqual({ number: 1n, hash: fakeHash(1n) });
  });

  it("returns null when the first block is not finalized, or for an empty range", async () => {
    const src = voted(5, [1, 2]);
    expect(await longestFinalizedPrefix(src, I1, ids(src.chain, 0, 4))).toBeNull();
    expect(await longestFinalizedPrefix(src, I1, [])).toBeNull();
    const active = voted(5, [0, 1, 2, 3, 4]);
    expect(
      await longestFinalizedPrefix(active, { activationHeight: 2n, interval: 1n }, ids(active.chain, 0, 4)),
    ).toBeNull();
  });

  it("rejects non-consecutive heights before reading anything", async () => {
    const src = voted(5, [0, 1, 2, 3, 4]);
    const blocks = [...ids(src.chain, 0, 1), ...ids(src.chain, 3, 4)];
    const err = await longestFinalizedPrefix(src, I1, blocks).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BlocksNotConsecutiveError);
    expect(err).toMatchObject({ code: "blocks_not_consecutive", field: "blocks" });
    expect(src.calls.block).toBe(0);
    await expect(longestFinalizedPrefix(src, I1, ids(src.chain, 0, 1).reverse())).rejects.toThrow(
      BlocksNotConsecutiveError,
    );
  });

  it("interval 5: off-grid blocks follow their next grid block", async () => {
    const src = voted(15, [0, 5, 10]);
    const config = { activationHeight: 0n, interval: 5n };
    expect(await longestFinalizedPrefix(src, config, ids(src.chain, 0, 14))).toEqual({
      number: 10n,
      hash: fakeHash(10n),
    });
    const gap = voted(15, [0, 10]);
    expect(await longestFinalizedPrefix(gap, config, ids(gap.chain, 0, 14))).toEqual({
      number: 0n,
      hash: fakeHash(0n),
    });
  });

  it("reads each height about once (finalized grid blocks become the tip)", async () => {
    const heights = Array.from({ length: 60 }, (_, i) => i);
    const src = voted(60, heights);
    expect(await longestFinalizedPrefix(src, I1, ids(src.chain, 0, 59))).toEqual({
      number: 59n,
      hash: fakeHash(59n),
    });
    expect(src.calls.votes).toBe(60);
    expect(src.calls.block).toBe(60);
    const five = voted(50, [0, 5, 10, 15, 20, 25, 30, 35, 40, 45]);
    const last = await longestFinalizedPrefix(
      five,
      { activationHeight: 0n, interval: 5n },
      ids(five.chain, 0, 49),
    );
    expect(last?.number).toBe(45n); // 46..49 wait for grid block 50
    expect(five.calls.votes).toBe(10);
    expect(five.calls.block).toBe(48); // heights 0..46, plus the missing 50
  });
});
