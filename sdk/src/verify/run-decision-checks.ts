/** @module `runDecisionChecks`: the checks that need nothing but the answer (and optionally an L2 node). */
import type { QuorumRatio } from "../../../src/finality/index.ts";
import type { BlockRef } from "../../../src/l2/types.ts";
import { assertOptions } from "./assert-options.ts";
import { checkDistinctVoters } from "./check-distinct-voters.ts";
import { checkEvidence } from "./check-evidence.ts";
import { checkExpectedBlock } from "./check-expected-block.ts";
import { checkFinalizedClaim } from "./check-finalized-claim.ts";
import { checkGrid } from "./check-grid.ts";
import { checkL2Block, checkNamedGridBlock } from "./check-l2-block.ts";
import { checkSignatures } from "./check-signatures.ts";
import { checkStatedQuorum } from "./check-stated-quorum.ts";
import { type ParsedDecision, parseDecision } from "./parse-decision.ts";
import { type GridBlock, resolveGridBlock } from "./resolve-grid-block.ts";
import type { VerificationCheck, VerifyDecisionOptions } from "./types.ts";

export type DecisionRun = {
  readonly checks: VerificationCheck[];
  /** `null` when the shape check failed (then no other check ran). */
  readonly decision: ParsedDecision | null;
  readonly ratio: QuorumRatio;
  readonly grid: GridBlock | null;
};

/**
 * Runs, in order: shape, finalized-claim, evidence (required unless `babylonSupplies`), block (with `expected`),
 * grid, l2-block (with `l2`), then over the answer's voters and quorum, when it has them: signatures (over the
 * grid block, see {@link resolveGridBlock}), distinct-voters, voted-power, quorum. A check that cannot run for
 * lack of data is not listed, except the signatures of an off-grid answer whose grid hash is unknown (an older
 * answer without `gridBlock`), which fail (the votes cannot be checked).
 * @throws as {@link assertOptions} for invalid options (never for a bad answer).
 */
export async function runDecisionChecks(
  answer: unknown,
  options: VerifyDecisionOptions,
  babylonSupplies: boolean,
): Promise<DecisionRun> {
  const ratio = assertOptions(options);

  const shape = parseDecision(answer);
  const checks: VerificationCheck[] = [shape.check];
  const decision = shape.decision;
  if (decision === null) return { checks, decision, ratio, grid: null };
  checks.push(checkFinalizedClaim(decision), checkEvidence(decision, babylonSupplies));
  if (options.expected !== undefined) checks.push(checkExpectedBlock(decision, options.expected));

  const { block, gridHeight } = decision;
  let fromL2: BlockRef | null = null;
  if (block !== null && gridHeight !== null) {
    const grid = checkGrid(block, gridHeight, decision.gridBlock, options);
    checks.push(grid);
    if (grid.ok && options.l2 !== undefined) {
      const l2 = await checkL2Block(options.l2, block, gridHeight);
      fromL2 = l2.grid;
      checks.push(checkNamedGridBlock(l2, decision.gridBlock, options.gridBlockHash));
    }
  }
  const grid = resolveGridBlock(decision, options.gridBlockHash, fromL2);

  if (decision.voters.length > 0) {
    if (grid === null) {
      checks.push({ name: "signatures", ok: false, detail: "the answer lists voters but no grid height" });
    } else if (grid.hash === null) {
      checks.push({
        name: "signatures",
        ok: false,
        detail:
          `off-grid answer: the votes sign grid block ${grid.height}'s hash, which this answer does not carry; ` +
          "pass gridBlockHash or l2",
      });
    } else {
      checks.push(checkSignatures(decision.voters, { height: grid.height, hash: grid.hash }, options));
    }
    checks.push(checkDistinctVoters(decision.voters));
  }
  if (decision.quorum !== null) checks.push(...checkStatedQuorum(decision.voters, decision.quorum, ratio));
  return { checks, decision, ratio, grid };
}
