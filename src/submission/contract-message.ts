/**
 * @module The message as it travels on: only the fields the contract's schema names, with their values as the
 * FP sent them. The compiled contract ignores unknown fields, so dropping them changes nothing on chain — but
 * kept, they would ride along into records, the queue and the transaction (up to the body limit each).
 */
import type { QueuedSubmission, SubmissionKind } from "./types.ts";

const FIELDS: Record<SubmissionKind, readonly string[]> = {
  commit: ["fp_pubkey_hex", "start_height", "num_pub_rand", "commitment", "signature"],
  vote: [
    "fp_pubkey_hex",
    "height",
    "pub_rand",
    "proof",
    "block_hash",
    "signature",
    "l1_block_number",
    "l1_block_hash_hex",
  ],
};
const PROOF_FIELDS = ["total", "index", "leaf_hash", "aunts"] as const;

function pick(source: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (Object.hasOwn(source, key)) out[key] = source[key];
  return out;
}

/** `message` (already verified: an object with the schema's fields) reduced to the schema's fields. */
export function contractMessage(kind: SubmissionKind, message: unknown): QueuedSubmission["msg"] {
  const body = pick(message as Record<string, unknown>, FIELDS[kind]);
  if (kind === "vote" && typeof body.proof === "object" && body.proof !== null) {
    body.proof = pick(body.proof as Record<string, unknown>, PROOF_FIELDS);
  }
  return body as QueuedSubmission["msg"];
}
