/** @module The contract's value validations (validation.rs), each with its error text. */
import { ContractError } from "./errors.ts";

export const MAX_BSN_ID_LENGTH = 100;

export function validateMinPubRand(value: bigint): void {
  if (value === 0n) throw new ContractError(`Invalid min_pub_rand value: ${value}. Must be at least 1`);
}

export function validateRateLimitingInterval(value: bigint): void {
  if (value === 0n) throw new ContractError(`Invalid rate limiting interval: ${value}. Must be at least 1`);
}

export function validateMaxMsgsPerInterval(value: number): void {
  if (value === 0) throw new ContractError(`Invalid max messages per interval: ${value}. Must be at least 1`);
}

export function validateFinalitySignatureInterval(value: bigint): void {
  if (value === 0n) {
    throw new ContractError(`Invalid finality_signature_interval value: ${value}. Must be at least 1`);
  }
}

/** Rust `char::is_alphanumeric` (Unicode Alphabetic or a numeric category), `-` or `_`. */
const BSN_ID_CHAR = /^[\p{Alphabetic}\p{N}_-]$/u;

/** Empty, then characters, then byte length ≤ 100. */
export function validateBsnId(bsnId: string): void {
  const invalid = (reason: string) => new ContractError(`Invalid consumer ID: ${reason}`);
  if (bsnId === "") throw invalid("BSN ID cannot be empty");
  for (const char of bsnId) {
    if (!BSN_ID_CHAR.test(char)) {
      throw invalid("BSN ID can only contain alphanumeric characters, hyphens, and underscores");
    }
  }
  if (new TextEncoder().encode(bsnId).length > MAX_BSN_ID_LENGTH) {
    throw invalid(`BSN ID cannot exceed ${MAX_BSN_ID_LENGTH} characters`);
  }
}
