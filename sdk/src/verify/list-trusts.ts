/** @module `listTrusts`: what a verification result still takes on trust, in words a log can carry. */
import type { GridBlock } from "./resolve-grid-block.ts";
import type { DecisionRun } from "./run-decision-checks.ts";

/** What the Babylon level established, as far as the trust list needs it. */
export type BabylonFacts = {
  readonly babylonRpcUrl: string;
  /** The BTC height was re-derived from the grid block's timestamp (else the edge's was used unchecked). */
  readonly btcHeightRederived: boolean;
  /** Grid blocks below this height are trusted to be finalized; `null`: the walk reached activation. */
  readonly trustedBelow: bigint | null;
};

/**
 * The decision level trusts everything Babylon would have to say: commitments, powers, registration, the chain
 * condition. The Babylon level trusts the RPC node it asked, Babylon's current state, and what its options left
 * unchecked. Both trust the L2 chain unless `l2` checked it (for an off-grid block: that the grid block the votes
 * sign is canonical and the block its ancestor), and a tx answer's tx-to-block mapping.
 */
export function listTrusts(run: DecisionRun, l2Checked: boolean, babylon: BabylonFacts | null): string[] {
  const trusts: string[] = [];
  const grid = run.grid;
  if (babylon === null) {
    trusts.push(
      "each vote's pubRand is the one its FP committed on Babylon for this height (the answer carries no Merkle " +
        "proof against the FP's BTC-timestamped commitment), so each vote is the FP's one slashable vote there",
      "the stated powers and total are Babylon's voting-power table at btcHeight, and btcHeight is the BTC height " +
        "of the grid block's timestamp (so the voters are this BSN's finality providers, unslashed, with that stake)",
      "the previous grid block is BTC-finalized, and so on back to activation (the rule's chain condition)",
    );
  } else {
    trusts.push(
      `the Babylon RPC node ${babylon.babylonRpcUrl} reports Babylon's state truthfully: no light-client or query ` +
        "proofs are checked (the contract it reports accepted each listed vote only after checking its pubRand " +
        "against the FP's BTC-timestamped commitment)",
      "Babylon's current delegations and slashings: power at a past BTC height is recomputed from them, as the " +
        "edge does, so an unbonding or slashing after the decision changes it",
    );
    if (!babylon.btcHeightRederived && run.decision?.btcHeight !== null)
      trusts.push(
        `the edge's BTC height ${run.decision?.btcHeight} for the grid block's timestamp (not re-derived: this ` +
          "answer does not carry the grid block's timestamp; pass l2)",
      );
    else if (babylon.btcHeightRederived && !l2Checked && grid !== null && grid.timestamp !== null)
      trusts.push(
        `the grid block's timestamp ${grid.timestamp} as the answer states it, from which the BTC height was ` +
          "re-derived (pass l2 to read it from a node you trust)",
      );
    if (babylon.trustedBelow !== null)
      trusts.push(
        `grid blocks below ${babylon.trustedBelow} are BTC-finalized (the rule's chain condition; previousGrids ` +
          "with l2 re-decides them further back)",
      );
  }
  if (!l2Checked) trusts.push(l2Trust(grid));
  if (run.decision?.txHash !== undefined)
    trusts.push(
      `the transaction ${run.decision.txHash} is in this block (check its receipt on an L2 node you trust)`,
    );
  return trusts;
}

/** What an unchecked L2 chain leaves on trust: the block's canonicity, and off the grid the grid block's too. */
function l2Trust(grid: GridBlock | null): string {
  const check = "pass l2 to check it on a node you trust";
  if (grid === null || grid.source === "block") return `the block is canonical on the L2 chain (${check})`;
  const ancestor = `the block is canonical on the L2 chain and an ancestor of grid block ${grid.height}`;
  if (grid.source === "caller") return `${ancestor} ${grid.hash} (the hash you passed)`;
  if (grid.source === "answer")
    return (
      `grid block ${grid.height} ${grid.hash} (the answer's gridBlock), whose hash the votes sign, is canonical ` +
      "on the L2 chain and the block is its ancestor by parent hashes (pass l2 to check both on a node you trust)"
    );
  return `${ancestor} (${check})`;
}
