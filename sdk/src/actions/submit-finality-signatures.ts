import type { AcceptedSubmission, FinalitySignatureMsg } from "../types.ts";
import type { ClientContext } from "./context.ts";
import { type SubmitOptions, submitMessages } from "./submit-messages.ts";

/**
 * Submits finality votes (the contract's `submit_finality_signature` bodies, or whole execute messages): any
 * number, in chunks of ≤ 100, one answer per message in order (`equivocation: true` for a conflicting vote). A
 * refusal throws with `field` naming the message's index in `msgs`.
 */
export function submitFinalitySignatures(
  ctx: ClientContext,
  msgs: FinalitySignatureMsg | readonly FinalitySignatureMsg[],
  options?: SubmitOptions,
): Promise<AcceptedSubmission[]> {
  return submitMessages(ctx, "vote", msgs, options);
}
