/**
 * @module The contract's failures. `ContractError.message` is exactly the text the contract returns
 * (its `ContractError`/`StdError` Display); `kind: "abort"` marks a wasm panic (overflow checks),
 * which wasmd reports as a VM error rather than a contract error.
 */
import { ContractRuleError } from "../../../../src/contract-rules/index.ts";

export type ContractErrorKind = "error" | "abort";

export class ContractError extends Error {
  override name = "ContractError";
  readonly kind: ContractErrorKind;

  constructor(message: string, kind: ContractErrorKind = "error") {
    super(message);
    this.kind = kind;
  }
}

/** A wasm panic, e.g. `attempt to add with overflow` (the text is ours; the location is not reproduced). */
export const contractAbort = (what: string): ContractError =>
  new ContractError(`panicked: attempt to ${what} with overflow`, "abort");

/** `Admin(NotAdmin)` from cw-controllers. */
export const notAdmin = (): ContractError => new ContractError("Admin error: Caller is not admin");

/** `StdError::GenericErr`. */
export const genericError = (message: string): ContractError =>
  new ContractError(`Generic error: ${message}`);

/**
 * A `ContractRuleError` from `src/contract-rules` as the contract's failure, with the same text. Its
 * inputs-make-the-wasm-panic findings become aborts; so does a public key that is not 32 bytes
 * reaching signature verification (k256 panics on the slice length).
 */
export function fromRule(error: ContractRuleError): ContractError {
  const abort = error.code === "contract_abort" || error.code === "invalid_public_key";
  return new ContractError(error.message, abort ? "abort" : "error");
}

/** Runs a check from `src/contract-rules`, turning its refusal into a `ContractError` ({@link fromRule}). */
export function runRule<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof ContractRuleError)) throw error;
    throw fromRule(error);
  }
}
