/** @module `checkEvidence`: does a finalized answer carry the votes that would prove it? */
import type { ParsedDecision } from "./parse-decision.ts";
import type { VerificationCheck } from "./types.ts";

/**
 * A finalized answer must carry a grid height, a BTC height, a quorum and at least one voter. The edge carries
 * them on every finalized answer, those from its finalized tip included; one without them is older (finalized
 * answers are stored once and served unchanged, and tip answers used to carry none) or not the edge's. It rests on
 * the edge's word alone, so it fails here unless `babylonSupplies` (the Babylon level reads the votes itself).
 * Unfinalized answers need no evidence (they prove nothing either way).
 */
export function checkEvidence(decision: ParsedDecision, babylonSupplies: boolean): VerificationCheck {
  const name = "evidence";
  if (!decision.finalized)
    return { name, ok: true, detail: "not needed: the answer does not claim finality" };
  const missing = [
    decision.gridHeight === null ? "gridHeight" : null,
    decision.btcHeight === null ? "btcHeight" : null,
    decision.quorum === null ? "quorum" : null,
    decision.voters.length === 0 ? "voters" : null,
  ].filter((m) => m !== null);
  if (missing.length === 0)
    return { name, ok: true, detail: `${decision.voters.length} voters with a quorum` };
  const why = decision.reason === undefined ? "" : ` (edge: ${decision.reason})`;
  if (decision.gridHeight === null)
    return { name, ok: false, detail: `finalized without a grid height${why}: nothing to check` };
  if (babylonSupplies)
    return {
      name,
      ok: true,
      detail: `the answer carries no ${missing.join(", ")}${why}: Babylon's votes and power are used instead`,
    };
  return {
    name,
    ok: false,
    detail:
      `the answer carries no ${missing.join(", ")}${why}: it proves nothing by itself; ` +
      "verify it with Babylon, or verify the answer for its grid block",
  };
}
