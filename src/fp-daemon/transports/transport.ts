/**
 * @module How the daemon hands messages to Babylon: through the edge (default) or with the FP's own Babylon
 * account. Both take the same contract bodies and answer in the same terms, so the loop never knows which runs.
 */
import type { MessageKind } from "../store.ts";

/** The contract's inner execute body (`commit_public_randomness` / `submit_finality_signature` content). */
export type ContractBody = Record<string, unknown>;

/**
 * What became of one send of a batch (all-or-nothing, as the edge takes a request):
 * - `accepted`: every message was taken; `included` when it is already on Babylon (a transaction in a block);
 * - `wait`: not yet acceptable for a reason that passes by itself (the commit is not on Babylon or not
 *   BTC-timestamped yet), nothing was taken;
 * - `transient`: the transport could not take it now (429, 5xx, timeouts, network); nothing was taken;
 * - `refused`: message `index` is refused for good with `code`; the others were not taken and may be resent.
 */
export type SendOutcome =
  | { kind: "accepted"; submissionIds: Array<string | null>; included: boolean }
  | { kind: "wait"; code: string; detail: string }
  | { kind: "transient"; code: string; detail: string; retryAfterMs?: number }
  | { kind: "refused"; index: number; code: string; detail: string };

/** Where an accepted message stands: on Babylon, still on its way, lost (send again), or refused for good. */
export type CheckOutcome =
  | { kind: "included" }
  | { kind: "pending" }
  | { kind: "lost"; detail: string }
  | { kind: "refused"; code: string; detail: string };

export interface Transport {
  readonly name: "edge" | "babylon";
  send(kind: MessageKind, bodies: readonly ContractBody[]): Promise<SendOutcome>;
  /** Asks after one accepted message (by the id the send returned; null when the transport gives none). */
  check(kind: MessageKind, submissionId: string | null): Promise<CheckOutcome>;
  close(): Promise<void>;
}

/** Refusals that clear by themselves once Babylon catches up: retried, never given up. */
export const WAIT_CODES: ReadonlySet<string> = new Set([
  "missing_pub_rand_commit",
  "pub_rand_commit_not_btc_timestamped",
]);

/** The contract's own budget per Babylon interval: a refusal now, not of the message — retried with backoff. */
export const BUDGET_CODES: ReadonlySet<string> = new Set(["rate_limit_exceeded"]);
