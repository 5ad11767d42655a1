/** @module `checkL2Block`: the answer's block against an L2 node the caller trusts, and the grid block it needs. */
import type { BlockRef } from "../../../src/l2/types.ts";
import { describeError } from "./describe-error.ts";
import type { ParsedDecision } from "./parse-decision.ts";
import type { L2BlockReader, VerificationCheck } from "./types.ts";

/** Most blocks between an off-grid block and its grid block that are read (an interval is far smaller). */
export const MAX_ANCESTRY_BLOCKS = 1_024;

/**
 * The block must be canonical on the caller's node (same hash, and same timestamp when the answer states one).
 * Off the grid, the rule's condition 4 is checked as the edge checks it: the parent-hash chain from the grid
 * block at `gridHeight` down to this block, every link by hash (not a second look-up by number). Returns the grid
 * block (whose hash the votes sign) when every link holds. A reader failure fails the check (fail closed).
 */
export async function checkL2Block(
  l2: L2BlockReader,
  block: { readonly number: bigint; readonly hash: string; readonly timestamp: bigint | null },
  gridHeight: bigint,
): Promise<{ check: VerificationCheck; grid: BlockRef | null }> {
  const name = "l2-block";
  const fail = (detail: string): { check: VerificationCheck; grid: null } => ({
    check: { name, ok: false, detail },
    grid: null,
  });
  if (gridHeight < block.number || gridHeight - block.number > BigInt(MAX_ANCESTRY_BLOCKS))
    return fail(
      `grid height ${gridHeight} is not within ${MAX_ANCESTRY_BLOCKS} blocks above ${block.number}`,
    );
  const heights: bigint[] = [];
  for (let n = gridHeight; n >= block.number; n--) heights.push(n);
  let refs: (BlockRef | null)[];
  try {
    refs = await Promise.all(heights.map((n) => l2.blockAt(n)));
  } catch (error) {
    return fail(`the L2 node could not be read: ${describeError(error)}`);
  }
  const own = refs[refs.length - 1];
  if (!own) return fail(`the L2 node has no block ${block.number}`);
  if (own.hash.toLowerCase() !== block.hash)
    return fail(`not canonical on the L2 node: its block ${block.number} is ${own.hash.toLowerCase()}`);
  if (block.timestamp !== null && own.timestamp !== block.timestamp)
    return fail(
      `the L2 node's block ${block.number} has timestamp ${own.timestamp}, the answer ${block.timestamp}`,
    );
  const grid = refs[0];
  if (!grid) return fail(`the L2 node has no grid block ${gridHeight} yet`);
  let expected = grid.parentHash.toLowerCase();
  for (const ref of refs.slice(1)) {
    if (!ref || ref.hash.toLowerCase() !== expected)
      return fail(`block ${block.number} is not an ancestor of grid block ${gridHeight} on the L2 node`);
    expected = ref.parentHash.toLowerCase();
  }
  const detail =
    gridHeight === block.number
      ? "canonical on the L2 node"
      : `canonical on the L2 node, an ancestor of grid block ${gridHeight} ${grid.hash.toLowerCase()}`;
  return { check: { name, ok: true, detail }, grid };
}

/**
 * The L2 node's grid block (where the block is canonical and its ancestor) must be the one the answer's
 * `gridBlock` and the caller's `gridBlockHash` name, timestamp included: votes for another grid block, even a real
 * one, do not decide this block on the caller's chain. Returns the L2 check itself when nothing disagrees.
 */
export function checkNamedGridBlock(
  l2: { readonly check: VerificationCheck; readonly grid: BlockRef | null },
  stated: ParsedDecision["gridBlock"],
  gridBlockHash: string | undefined,
): VerificationCheck {
  const { grid } = l2;
  if (grid === null) return l2.check;
  const name = "l2-block";
  const hash = grid.hash.toLowerCase();
  if (gridBlockHash !== undefined && gridBlockHash.toLowerCase() !== hash)
    return {
      name,
      ok: false,
      detail: `gridBlockHash ${gridBlockHash} is not the L2 node's grid block ${hash}`,
    };
  if (stated !== null && (stated.hash !== hash || stated.timestamp !== grid.timestamp))
    return {
      name,
      ok: false,
      detail:
        `the answer's grid block ${stated.number} ${stated.hash} (timestamp ${stated.timestamp}) is not the L2 ` +
        `node's ${hash} (timestamp ${grid.timestamp})`,
    };
  return l2.check;
}
