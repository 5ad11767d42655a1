/**
 * @module One step of moving a chain's finalized tip: decide the next grid heights above the tip with the same
 * cached rule the read API uses, and return every block from the tip up to the highest finalized grid block —
 * off-grid heights included, each checked to be the ancestor of the one above it (a finalized grid block
 * finalizes its ancestors), so every height gets its `finalized` event, in order.
 */

import type { CachedSourcesOptions } from "../finality/sources.ts";
import { cachedContractConfig, decideWithCache } from "../finality/sources.ts";
import type { BlockRef } from "../l2/types.ts";
import type { Tip } from "./event-log.ts";

/** Grid blocks decided per step (each costs about one votes and one power look-up). */
export const DEFAULT_GRID_STEPS = 16;

/** The first grid height above `tip` (the activation height when there is no tip or it is below activation). */
export function nextGridHeight(tip: number | null, activation: number, interval: number): number {
  if (tip === null || tip < activation) return activation;
  return activation + Math.ceil((tip + 1 - activation) / interval) * interval;
}

/** The finalized tip moved on chain past a block the edge proved finalized: never follow it. */
export class FinalizedHistoryChangedError extends Error {
  override name = "FinalizedHistoryChangedError";
}

const tipOf = (b: BlockRef): Tip => ({
  number: Number(b.number),
  hash: b.hash,
  timestamp: Number(b.timestamp),
});

/**
 * The blocks that became finalized above `tip` (consecutive, ascending; empty when none did).
 * @throws the readers' upstream errors; {@link FinalizedHistoryChangedError} when the chain no longer extends `tip`.
 */
export async function newlyFinalized(
  cache: CachedSourcesOptions,
  tip: Tip | null,
  maxSteps = DEFAULT_GRID_STEPS,
): Promise<Tip[]> {
  const { readers } = cache;
  const config = await cachedContractConfig(cache);
  const activation = Number(config.activationHeight);
  const interval = Math.max(1, Number(config.interval));
  let highest: BlockRef | null = null;
  // The next grid blocks, read a window at a time (one batched L2 round trip each; windows of 2, 4, 8 …, so a
  // chain that is current costs two reads, a catch-up few round trips), then decided in order: each decision may
  // lean on the one before it (the tip shortcut). The walk below needs them again (at interval 1, all of them).
  const read = new Map<number, BlockRef>();
  let next = nextGridHeight(tip?.number ?? null, activation, interval);
  let decided = 0;
  let window = 2;
  scan: while (decided < maxSteps) {
    const heights = Array.from(
      { length: Math.min(window, maxSteps - decided) },
      (_, i) => next + i * interval,
    );
    const grid = await Promise.all(heights.map((n) => readers.blockAt(BigInt(n))));
    for (const [i, block] of grid.entries()) {
      if (!block) break scan;
      read.set(heights[i] as number, block);
      const { decision } = await decideWithCache({ ...cache, canonical: block }, block);
      decided++;
      if (!decision.finalized) break scan;
      highest = block;
    }
    next += heights.length * interval;
    window *= 2;
  }
  if (highest === null) return [];
  // Down by parent hash to just above the tip (or to activation when there is none); the off-grid blocks not
  // read yet are read together.
  const floor = tip ? tip.number + 1 : Math.min(activation, Number(highest.number));
  const missing: number[] = [];
  for (let n = Number(highest.number) - 1; n >= floor; n--) if (!read.has(n)) missing.push(n);
  const fetched = await Promise.all(missing.map((n) => readers.blockAt(BigInt(n))));
  missing.forEach((n, i) => {
    const block = fetched[i];
    if (block) read.set(n, block);
  });
  const blocks: BlockRef[] = [highest];
  for (let n = Number(highest.number) - 1; n >= floor; n--) {
    const child = blocks[blocks.length - 1] as BlockRef;
    const block = read.get(n);
    // A reorg between two reads: nothing is emitted now; the next step reads again.
    if (!block || block.hash !== child.parentHash) return [];
    blocks.push(block);
  }
  const lowest = blocks[blocks.length - 1] as BlockRef;
  if (tip && lowest.parentHash !== tip.hash) {
    throw new FinalizedHistoryChangedError(
      `block ${lowest.number} does not extend the finalized tip ${tip.number} (${tip.hash})`,
    );
  }
  return blocks.reverse().map(tipOf);
}
