/** @module `verifyDecision`: what the edge's answer proves by itself (plus an L2 node, when given). */
import { listTrusts } from "./list-trusts.ts";
import { runDecisionChecks } from "./run-decision-checks.ts";
import { toResult } from "./to-result.ts";
import type { FinalityDecision, VerificationResult, VerifyDecisionOptions } from "./types.ts";

/**
 * Verifies an edge answer without asking Babylon: recomputes the vote's signing context and message for the grid
 * block (height and hash), verifies every voter's EOTS signature with its pubRand, rejects repeated voters, and
 * recomputes voted power, threshold and `reached` from the stated powers with the quorum ratio (default 2/3).
 *
 * **Proves**, when `valid`: the listed finality providers each signed this exact block (for this contract on this
 * Babylon chain), and if their stated powers and the stated total are Babylon's, they reach the quorum.
 * **Does not prove** (see `result.trusts`): that each pubRand was committed on chain (the Merkle proof against the
 * FP's commitment), that the stated powers, total and BTC height are Babylon's, that the voters are registered and
 * unslashed for the BSN, that the previous grid block is finalized (the rule's chain condition), that the block is
 * canonical on L2 (unless `l2` checked it). `verifyWithBabylon` checks the first four against Babylon.
 *
 * The votes sign the answer's `gridBlock` (the block itself on the grid; off it, the next grid block): the
 * signatures are checked over its hash at its height. Off the grid, that the grid block is canonical and the block
 * its ancestor is trusted unless `l2` checks both (or `gridBlockHash` names the grid block for the caller). Answers
 * from the edge's finalized tip carry evidence like any other and are verified the same; one whose recomputed
 * power is below quorum (the tip vouches for it, the evidence does not) is not valid, nor is an answer without
 * evidence (one stored before tip answers carried it, or not the edge's). Never throws for a bad answer; throws
 * for bad options.
 */
export async function verifyDecision(
  decision: FinalityDecision,
  options: VerifyDecisionOptions,
): Promise<VerificationResult> {
  const run = await runDecisionChecks(decision, options, false);
  const l2Checked = run.checks.some((c) => c.name === "l2-block" && c.ok);
  return toResult("decision", run, run.checks, listTrusts(run, l2Checked, null));
}
