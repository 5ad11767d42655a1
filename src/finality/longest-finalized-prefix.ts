/** @module Prefix finality over a consecutive range of (height, hash) pairs. */
import { createContext } from "./context.ts";
import { decideInContext } from "./decide-block.ts";
import { BlocksNotConsecutiveError } from "./errors.ts";
import { resolveConfig } from "./grid.ts";
import type { BlockId, FinalityConfig, FinalitySources } from "./types.ts";

/**
 * Returns the last block of the longest finalized prefix of `blocks`, or `null` when the first is
 * not finalized (or `blocks` is empty). Unlike the reference gadget this is a real prefix, not
 * all-or-nothing, and every hash is checked: a block whose hash is not canonical ends the prefix.
 *
 * Each finalized grid block becomes the trusted tip for the rest of the range, and all look-ups are
 * memoized, so the cost is about one read per height plus the chain walk of the first grid block.
 *
 * @throws {BlocksNotConsecutiveError} heights are not `first, first + 1, …` (nothing is read).
 */
export async function longestFinalizedPrefix(
  sources: FinalitySources,
  config: FinalityConfig,
  blocks: readonly BlockId[],
): Promise<BlockId | null> {
  const resolved = resolveConfig(config);
  const first = blocks[0];
  if (!first) return null;
  blocks.forEach((b, i) => {
    if (b.number !== first.number + BigInt(i))
      throw new BlocksNotConsecutiveError(
        `blocks[${i}] is ${b.number}, expected ${first.number + BigInt(i)}`,
      );
  });
  const ctx = createContext(sources, resolved);
  let last: BlockId | null = null;
  for (const block of blocks) {
    // One number answers a range: blocks the tip covers need no evidence read.
    const decision = await decideInContext(ctx, block, { evidence: false });
    if (!decision.finalized) break;
    last = { number: decision.block.number, hash: decision.block.hash };
    // Only a decision made by the chain rule proves its grid block; a tip shortcut proves nothing new.
    const g = decision.gridHeight;
    if (decision.quorum !== null && g !== null && (!ctx.tip || g > ctx.tip.id.number)) {
      const grid = await ctx.sources.block(g);
      if (grid) ctx.tip = { id: { number: grid.number, hash: grid.hash }, canonical: Promise.resolve(true) };
    }
  }
  return last;
}
