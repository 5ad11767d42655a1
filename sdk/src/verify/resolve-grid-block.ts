/** @module `resolveGridBlock`: which grid block the votes are checked over, and who vouches for it. */
import type { Hex } from "../../../src/finality/index.ts";
import type { BlockRef } from "../../../src/l2/types.ts";
import type { ParsedDecision } from "./parse-decision.ts";

/** The grid block whose votes decide the answer's block, with what is known of it and where that came from. */
export type GridBlock = {
  readonly height: bigint;
  /** `null`: off the grid, and neither the answer, `gridBlockHash` nor `l2` named it. */
  readonly hash: Hex | null;
  /** Unix seconds; `null` when unknown (an older off-grid answer, without `l2`). */
  readonly timestamp: bigint | null;
  /**
   * Who named it: `block` (on the grid: the answer's block itself), `l2` (the caller's L2 node, ancestry checked),
   * `caller` (`gridBlockHash`), `answer` (the answer's `gridBlock`, taken on trust with its ancestry), `null`.
   */
  readonly source: "block" | "l2" | "caller" | "answer" | null;
};

/**
 * On the grid, the block itself. Off it, the grid block the answer names (`gridBlock`), else the one the caller
 * vouches for (`gridBlockHash`), else the caller's L2 node's (an older answer names none). The votes are checked
 * over that one; where the others disagree with it their own checks fail (grid, l2-block), so each failure names
 * one fact. Its timestamp is the L2 node's when the node agrees, else the answer's.
 */
export function resolveGridBlock(
  decision: ParsedDecision,
  gridBlockHash: string | undefined,
  fromL2: BlockRef | null,
): GridBlock | null {
  const { block, gridHeight, gridBlock: stated } = decision;
  if (block === null || gridHeight === null) return null;
  const height = gridHeight;
  if (gridHeight === block.number)
    return {
      height,
      hash: block.hash,
      timestamp: block.timestamp ?? stated?.timestamp ?? null,
      source: "block",
    };
  const vouched = gridBlockHash?.toLowerCase() as Hex | undefined;
  const l2 =
    fromL2 === null ? undefined : { hash: fromL2.hash.toLowerCase() as Hex, timestamp: fromL2.timestamp };
  const hash = stated?.hash ?? vouched ?? l2?.hash ?? null;
  if (hash === null) return { height, hash, timestamp: null, source: null };
  if (l2?.hash === hash) return { height, hash, timestamp: l2.timestamp, source: "l2" };
  const timestamp = stated?.hash === hash ? stated.timestamp : null;
  return { height, hash, timestamp, source: vouched === hash ? "caller" : "answer" };
}
