/** Property tests: the rule against a direct reference model over random votes and powers. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fakeChain, fakeSources } from "../../test/support/fake-finality-sources.ts";
import { decideBlock } from "./decide-block.ts";
import { nextGridHeight, resolveConfig } from "./grid.ts";
import { longestFinalizedPrefix } from "./longest-finalized-prefix.ts";
import type { BlockRef, FinalityConfig } from "./types.ts";

const FPS = ["a", "b", "c", "d", "e"];

const scenario = fc.record({
  length: fc.integer({ min: 1, max: 40 }),
  activation: fc.integer({ min: 0, max: 6 }),
  interval: fc.integer({ min: 1, max: 4 }),
  powers: fc.array(fc.bigInt({ min: 0n, max: 5n }), { minLength: FPS.length, maxLength: FPS.length }),
  // per height: which FPs vote (bit mask); mostly-full masks so long finalized chains occur.
  masks: fc.array(fc.oneof(fc.constant(0b11111), fc.constant(0b01111), fc.integer({ min: 0, max: 31 })), {
    minLength: 40,
    maxLength: 40,
  }),
  target: fc.nat(),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function build(s: Scenario) {
  const powers = Object.fromEntries(FPS.map((fp, i) => [fp, s.powers[i] ?? 0n]));
  const src = fakeSources(fakeChain(s.length), powers);
  const voters = (h: number) => FPS.filter((_, i) => ((s.masks[h] ?? 0) >> i) & 1);
  for (let h = 0; h < s.length; h++) src.vote(src.chain[h] as BlockRef, voters(h));
  const config: FinalityConfig = { activationHeight: BigInt(s.activation), interval: BigInt(s.interval) };
  const total = s.powers.reduce((x, y) => x + y, 0n);
  const quorumAt = (h: number) => {
    const voted = voters(h).reduce((x, fp) => x + (powers[fp] ?? 0n), 0n);
    return total > 0n && 3n * voted >= 2n * total;
  };
  return { src, config, quorumAt };
}

describe("finality rule properties", () => {
  it("finalized implies quorum at every grid height from the first grid height ≥ A up to g", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const { src, config, quorumAt } = build(s);
        const h = s.target % s.length;
        const d = await decideBlock(src, config, src.chain[h] as BlockRef);
        if (h < s.activation) {
          expect(d.status).toBe("before_activation");
          return;
        }
        const g = Number(nextGridHeight(resolveConfig(config), BigInt(h)));
        let expected = g < s.length;
        for (let k = s.activation; k <= g && expected; k += s.interval) expected = quorumAt(k);
        expect(d.finalized).toBe(expected);
        expect(d.status === "finalized").toBe(d.finalized);
      }),
      { numRuns: 300 },
    );
  });

  it("a trusted tip (a truly finalized grid block) never changes an answer", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, fc.nat(), async (s, tipPick) => {
        const { src, config } = build(s);
        const h = s.target % s.length;
        const grids: number[] = [];
        for (let k = s.activation; k < s.length; k += s.interval) grids.push(k);
        const finalizedGrids: number[] = [];
        for (const k of grids) {
          if ((await decideBlock(src, config, src.chain[k] as BlockRef)).finalized) finalizedGrids.push(k);
          else break;
        }
        const plain = await decideBlock(src, config, src.chain[h] as BlockRef);
        if (finalizedGrids.length === 0) return;
        const tip = src.chain[finalizedGrids[tipPick % finalizedGrids.length] as number] as BlockRef;
        const withTip = await decideBlock({ ...src, finalizedTip: tip }, config, src.chain[h] as BlockRef);
        expect(withTip.finalized).toBe(plain.finalized);
      }),
      { numRuns: 200 },
    );
  });

  it("the prefix answer equals the last block of the run of finalized per-block answers", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, fc.nat(), async (s, startPick) => {
        const { src, config } = build(s);
        const start = startPick % s.length;
        const blocks = src.chain.slice(start).map((b) => ({ number: b.number, hash: b.hash }));
        let expected: bigint | null = null;
        for (const b of blocks) {
          if (!(await decideBlock(src, config, b)).finalized) break;
          expected = b.number;
        }
        const got = await longestFinalizedPrefix(src, config, blocks);
        expect(got?.number ?? null).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });
});
