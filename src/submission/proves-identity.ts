/**
 * @module `provesIdentity`: whether a message is signed by the key it names. It runs the contract's own
 * signature check — EOTS over the vote with the vote's `pub_rand`, BIP-340 over the commit — before any chain
 * state is read, so the edge knows early who can spend what: budgets keyed on an FP (its rate limit, the
 * contract's message budget) are spent only by messages that proved that FP, and traffic that proves nobody is
 * limited per client and globally before it costs a chain query.
 *
 * Proving the key is not acceptance: a vote still needs a commit covering its `pub_rand`, and a valid message
 * may be a replay (a duplicate), which spends no FP budget either.
 */
import {
  type CommitPublicRandomnessMsg,
  checkCommitFields,
  checkFinalitySignatureFields,
  type SubmitFinalitySignatureMsg,
  verifyCommitSignature,
  verifyVoteEots,
} from "../contract-rules/index.ts";
import type { SubmissionKind, SubmissionVerifyOptions } from "./types.ts";

/** The most permissive config: only deserialization, lengths and key hex are checked (no chain state). */
const NO_SCHEDULE = { bsn_activation_height: 0, finality_signature_interval: 1, min_pub_rand: 0 };

export function provesIdentity(
  kind: SubmissionKind,
  message: unknown,
  opts: SubmissionVerifyOptions,
): boolean {
  try {
    if (kind === "vote") {
      const checked = checkFinalitySignatureFields(message as SubmitFinalitySignatureMsg, {
        config: NO_SCHEDULE,
      });
      verifyVoteEots(checked, opts);
    } else {
      const checked = checkCommitFields(message as CommitPublicRandomnessMsg, { config: NO_SCHEDULE });
      verifyCommitSignature(checked, opts);
    }
    return true;
  } catch {
    // Malformed or wrongly signed: the full verification names the contract's reason.
    return false;
  }
}
