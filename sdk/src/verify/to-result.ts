/** @module `toResult`: the checks that ran, folded into the result a bridge acts on. */
import type { DecisionRun } from "./run-decision-checks.ts";
import type { CheckName, VerificationCheck, VerificationResult } from "./types.ts";

/**
 * Checks without which a level proves nothing: `valid` needs each of them to have run and passed, so a check
 * skipped for lack of data can never make a result valid by its absence.
 */
const REQUIRED: Record<VerificationResult["level"], readonly CheckName[]> = {
  decision: [
    "shape",
    "finalized-claim",
    "evidence",
    "grid",
    "signatures",
    "distinct-voters",
    "voted-power",
    "quorum",
  ],
  babylon: [
    "shape",
    "finalized-claim",
    "evidence",
    "grid",
    "contract",
    "babylon-voters",
    "babylon-power",
    "babylon-quorum",
  ],
};

export function toResult(
  level: VerificationResult["level"],
  run: DecisionRun,
  checks: readonly VerificationCheck[],
  trusts: readonly string[],
  babylon?: VerificationResult["babylon"],
): VerificationResult {
  const failures = checks.filter((c) => !c.ok);
  const ran = new Set(checks.filter((c) => c.ok).map((c) => c.name));
  const valid = failures.length === 0 && REQUIRED[level].every((name) => ran.has(name));
  const block = run.decision?.block ?? null;
  return {
    valid,
    level,
    block: block === null ? null : { number: Number(block.number), hash: block.hash },
    gridBlock: run.grid === null ? null : { number: Number(run.grid.height), hash: run.grid.hash },
    checks,
    failures,
    trusts,
    ...(babylon === undefined ? {} : { babylon }),
  };
}
