/** @module `checkFinalizedClaim`: does the answer claim finality, and does its own quorum say so? */
import type { ParsedDecision } from "./parse-decision.ts";
import type { VerificationCheck } from "./types.ts";

/** The edge's reason for a block its finalized tip covers (src/finality/decide-block.ts). */
const TIP_REASON = "at or below the finalized tip";

/**
 * Fails unless the answer claims finality (`finalized: true`, status `finalized`; the shape check already tied
 * the two together), and, when it carries a quorum, unless that quorum says `reached`. An unfinalized answer is
 * reported here, not as a malformed one: it can be perfectly consistent and still prove nothing.
 *
 * A block at or below the edge's finalized tip stays finalized (finality is irreversible) even when the power
 * recomputed today from Babylon's state falls short of quorum after a later unbonding or slashing; the edge then
 * says so in `reason` and serves the short evidence. That evidence proves nothing, so the check fails (fail
 * closed) and says why.
 */
export function checkFinalizedClaim(decision: ParsedDecision): VerificationCheck {
  const name = "finalized-claim";
  if (!decision.finalized) {
    const why = decision.reason === undefined ? "" : ` (${decision.reason})`;
    return { name, ok: false, detail: `the edge does not claim finality: status ${decision.status}${why}` };
  }
  const { quorum, reason } = decision;
  if (quorum !== null && !quorum.reached) {
    if (reason?.startsWith(TIP_REASON))
      return {
        name,
        ok: false,
        detail:
          `finalized by the edge's finalized tip, but today's recomputed power (${quorum.votedPower} of ` +
          `${quorum.totalPower}, threshold ${quorum.threshold}) is below quorum: the evidence no longer proves ` +
          "it, only the edge's word does",
      };
    return { name, ok: false, detail: "finalized, but the answer's own quorum says not reached" };
  }
  return { name, ok: true, detail: "the edge claims finality" };
}
