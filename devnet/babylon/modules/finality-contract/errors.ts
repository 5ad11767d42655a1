/**
 * @module The contract's failures. `ContractError.message` is exactly the text the contract returns
 * (its `ContractError`/`StdError` Display); `kind: "abort"` marks a wasm panic (overflow checks),
 * which wasmd reports as a VM error rather than a contract error.
 */
import { ContractRuleError, overflowPanicText, panicText } from "../../../../src/contract-rules/index.ts";

export type ContractErrorKind = "error" | "abort";

export class ContractError extends Error {
  override name = "ContractError";
  readonly kind: ContractErrorKind;

  constructor(message: string, kind: ContractErrorKind = "error") {
    super(message);
    this.kind = kind;
  }
}

/** A wasm panic on an overflow check: Rust's panic text, with a placeholder location (`panicText`). */
export const contractAbort = (operation: "add" | "multiply" | "subtract"): ContractError =>
  new ContractError(overflowPanicText(operation), "abort");

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
  if (error.code === "contract_abort") return new ContractError(error.message, "abort");
  // k256 panics on the slice length; its own words are not reproduced, the panic's shape is.
  if (error.code === "invalid_public_key") return new ContractError(panicText(error.message), "abort");
  return new ContractError(error.message, "error");
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
