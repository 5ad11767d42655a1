/**
 * @module The text of a wasm panic in the contract. cosmwasm-std's panic handler aborts with Rust's panic
 * message, `panicked at <source path>:<line>:<col>:\n<message>`, which wasmd then wraps (`… RuntimeError:
 * Aborted: panicked at …`). The location here is a stable placeholder (line and column 0, which Rust never
 * prints): the shape and the message are the chain's, so a client matching the prefix behaves the same.
 */
export const PANIC_LOCATION = "contracts/finality/src/contract.rs:0:0";

export const panicText = (message: string): string => `panicked at ${PANIC_LOCATION}:\n${message}`;

/** Rust's overflow-check panic, e.g. `attempt to add with overflow`. */
export const overflowPanicText = (operation: "add" | "multiply" | "subtract"): string =>
  panicText(`attempt to ${operation} with overflow`);
