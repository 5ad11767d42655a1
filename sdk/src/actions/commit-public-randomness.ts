import type { AcceptedSubmission, CommitPublicRandomnessMsg } from "../types.ts";
import type { ClientContext } from "./context.ts";
import { type SubmitOptions, submitMessages } from "./submit-messages.ts";

/**
 * Submits randomness commitments (the contract's `commit_public_randomness` bodies, or whole execute messages):
 * any number, in chunks of ≤ 100, one answer per message in order. A refusal throws with `field` naming the
 * message's index in `msgs`.
 */
export function commitPublicRandomness(
  ctx: ClientContext,
  msgs: CommitPublicRandomnessMsg | readonly CommitPublicRandomnessMsg[],
  options?: SubmitOptions,
): Promise<AcceptedSubmission[]> {
  return submitMessages(ctx, "commit", msgs, options);
}
