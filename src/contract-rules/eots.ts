/**
 * @module The contract's EOTS step (pinned `eots` crate 3a4a600: `PublicKey::from_bytes`, then
 * `verify(pub_rand, sha256(msg), sig)`) with its error texts. Parsing (32/33/65-byte points, in the
 * crate's order) and the equation are the crypto core's `eotsVerifyPoint`; this module words them.
 */
import {
  CryptoError,
  eotsVerifyPoint,
  InvalidLengthError,
  InvalidPointError,
  InvalidScalarError,
} from "../crypto/index.ts";
import { ContractRuleError } from "./errors.ts";

/** Per `eotsVerifyPoint` input: the message's field and the crate's parse-failure text. */
const INPUTS: Readonly<Record<string, { field: string; parseFailure: string }>> = {
  pubKey: { field: "fp_pubkey_hex", parseFailure: "Failed to parse public key" },
  pubRand: { field: "pub_rand", parseFailure: "Failed to parse public randomness" },
  signature: { field: "signature", parseFailure: "Failed to parse signature" },
};

/** `EotsError(..)` for a parse failure of the crypto core, or `undefined` for any other error. */
function eotsError(error: unknown): ContractRuleError | undefined {
  const input = error instanceof CryptoError ? INPUTS[error.field ?? ""] : undefined;
  if (input === undefined) return undefined;
  let text: string;
  if (error instanceof InvalidLengthError) {
    text = `Invalid input length: expected ${error.expected} bytes, got ${error.actual}`;
  } else if (error instanceof InvalidPointError || error instanceof InvalidScalarError) {
    text = input.parseFailure;
  } else {
    return undefined;
  }
  return new ContractRuleError("eots_error", `EOTS error: ${text}`, { field: input.field });
}

/**
 * Verifies like the contract: parse the key ("Failed to parse public key"), the public randomness
 * ("Invalid input length…" / "Failed to parse public randomness"), the signature ("Invalid input
 * length…" / "Failed to parse signature" for s ≥ n), then the equation `s·G − e·P == R`, whose
 * failure is `FailedSignatureVerification("EOTS")`.
 */
export function verifyEotsLikeContract(
  publicKey: Uint8Array,
  pubRand: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): void {
  let valid: boolean;
  try {
    valid = eotsVerifyPoint(publicKey, pubRand, message, signature);
  } catch (error) {
    throw eotsError(error) ?? error;
  }
  if (!valid) {
    throw new ContractRuleError("failed_signature_verification", "Failed to verify signature: EOTS", {
      field: "signature",
    });
  }
}
