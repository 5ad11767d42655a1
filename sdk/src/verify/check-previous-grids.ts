/** @module `checkPreviousGrids`: the rule's chain condition, re-decided over Babylon and the caller's L2 node. */

import type { PowerTable } from "../../../src/babylon/index.ts";
import { decideBlock, type FinalitySources, type QuorumRatio } from "../../../src/finality/index.ts";
import type { BabylonReaders } from "./create-babylon-readers.ts";
import { describeError } from "./describe-error.ts";
import type { L2BlockReader, VerificationCheck } from "./types.ts";

/**
 * Rule 3: grid block `g` is finalized only if `g − I` is, and so back to the first grid height. This runs the
 * edge's own rule (`decideBlock`) on `g − I` with the caller's L2 node and Babylon RPC as its sources, trusting
 * only the grid block `count` steps below `g` (given to the rule as its finalized tip), so `count` previous grid
 * blocks are decided afresh. Returns the height below which finality stays trusted (`null`: none, the walk
 * reached activation).
 */
export async function checkPreviousGrids(args: {
  readonly grid: bigint;
  readonly count: number;
  readonly activationHeight: bigint;
  readonly interval: bigint;
  readonly ratio: QuorumRatio;
  readonly l2: L2BlockReader;
  readonly readers: Pick<BabylonReaders, "blockVoters" | "btcHeightAt">;
  readonly powerTable: (btcHeight: bigint) => Promise<PowerTable>;
}): Promise<{ check: VerificationCheck; trustedBelow: bigint | null }> {
  const { grid, count, activationHeight: a, interval, l2, readers } = args;
  const name = "previous-grids";
  const previous = grid - interval;
  if (previous < a)
    return {
      check: { name, ok: true, detail: `grid block ${grid} is the first grid height: no chain condition` },
      trustedBelow: null,
    };
  const tipHeight = grid - BigInt(count + 1) * interval;
  const trustedBelow = tipHeight >= a ? tipHeight + interval : null;
  try {
    const [target, tip] = await Promise.all([
      l2.blockAt(previous),
      tipHeight >= a ? l2.blockAt(tipHeight) : null,
    ]);
    if (!target)
      return { check: { name, ok: false, detail: `the L2 node has no block ${previous}` }, trustedBelow };
    const sources: FinalitySources = {
      block: (n) => l2.blockAt(n),
      votes: (height, hash) => readers.blockVoters(height, hash),
      async powerAt(timestamp) {
        const { height, beforeBase } = await readers.btcHeightAt(timestamp);
        if (beforeBase) return { btcHeight: height, power: new Map() };
        const table = await args.powerTable(height);
        return { btcHeight: height, power: new Map(table.providers.map((p) => [p.btcPk, p.power])) };
      },
      finalizedTip: tip ? { number: tip.number, hash: tip.hash } : null,
    };
    const decision = await decideBlock(
      sources,
      { activationHeight: a, interval, quorum: args.ratio, maxGridSteps: count + 1 },
      { number: target.number, hash: target.hash },
    );
    const range = trustedBelow === null ? `down to activation ${a}` : `down to ${trustedBelow}`;
    if (decision.finalized)
      return {
        check: {
          name,
          ok: true,
          detail: `previous grid blocks from ${previous} ${range} are finalized over Babylon`,
        },
        trustedBelow,
      };
    const why = decision.reason === undefined ? decision.status : `${decision.status}: ${decision.reason}`;
    return {
      check: {
        name,
        ok: false,
        detail: `previous grid block ${previous} ${target.hash} is not finalized over Babylon (${why})`,
      },
      trustedBelow,
    };
  } catch (error) {
    return {
      check: { name, ok: false, detail: `the chain condition could not be checked: ${describeError(error)}` },
      trustedBelow,
    };
  }
}
