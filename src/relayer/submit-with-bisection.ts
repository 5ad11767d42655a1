/**
 * @module `submitWithBisection`: lands as many items as possible in as few txs as possible, over any
 * `submit(instructions)` (the relayer's `submitBatch`). A tx is atomic, so when one message fails nothing of
 * the batch landed: drop the message the chain names and send the rest again; when the chain names none, split
 * the batch in halves; when it is above the gas cap, split it in as many parts as its simulated gas needs.
 */
import { UpstreamUnavailableError } from "../errors/upstream.ts";
import type { BatchOutcome, ChainError, Instruction, ItemOutcome } from "./types.ts";

/**
 * Failures without a message index that halving can cure: a gas or size limit, or a contract refusal the log
 * did not attribute. Anything else without an index (fee, funds, signature, sequence) is the relayer's own
 * trouble and would refuse every half the same way.
 */
const SPLITTABLE = new Set(["out_of_gas", "tx_too_large"]);

/** Codes of failures that concern the tx or the relayer's account, not a message. */
const RELAYER_LEVEL = new Set([
  "tx_decode",
  "unauthorized",
  "insufficient_funds",
  "invalid_address",
  "invalid_pubkey",
  "unknown_address",
  "insufficient_fee",
  "tx_in_mempool_cache",
  "mempool_full",
  "tx_timeout_height",
  "account_sequence_mismatch",
  "invalid_gas_limit",
]);

const isRelayerLevel = (code: string) => RELAYER_LEVEL.has(code);

function isSplittable(error: ChainError): boolean {
  if (SPLITTABLE.has(error.code)) return true;
  // Not an sdk-level code: it came from executing the messages (contract or module).
  return error.codespace !== undefined ? error.codespace !== "sdk" : !isRelayerLevel(error.code);
}

/**
 * Submits `items` and returns one outcome per item, aligned with `items`. Never throws: once `submit` throws
 * (the RPC is unavailable, or anything else), nothing more is sent and every item without an outcome yet gets
 * `{ status: "retry" }`.
 */
export async function submitWithBisection<T>(
  items: readonly T[],
  toInstruction: (item: T) => Instruction,
  submit: (instructions: Instruction[]) => Promise<BatchOutcome>,
): Promise<ItemOutcome[]> {
  const outcomes: Array<ItemOutcome | undefined> = new Array(items.length).fill(undefined);
  const instructions = items.map(toInstruction);
  let stopped: { reason: string; error?: ChainError } | undefined;

  const settle = (indices: readonly number[], outcome: ItemOutcome) => {
    for (const index of indices) outcomes[index] = outcome;
  };

  // `indices` are positions in `items`, in their original order.
  async function run(indices: readonly number[]): Promise<void> {
    if (stopped || indices.length === 0) return;
    let outcome: BatchOutcome;
    try {
      outcome = await submit(indices.map((index) => instructions[index] as Instruction));
    } catch (error) {
      const reason =
        error instanceof UpstreamUnavailableError
          ? `${error.shortMessage}${error.details ? ` (${error.details})` : ""}`
          : `submit failed: ${error instanceof Error ? error.message : String(error)}`;
      stopped = { reason };
      return;
    }
    switch (outcome.kind) {
      case "included":
        settle(indices, { status: "submitted", txHash: outcome.txHash, height: outcome.height });
        return;
      case "unknown":
        settle(indices, { status: "unknown", txHash: outcome.txHash });
        return;
      case "too_large":
        if (indices.length === 1) {
          settle(indices, {
            status: "failed",
            stage: "size",
            error: {
              code: "tx_too_large",
              message: `one message needs ${outcome.gasLimit} gas, more than the ${outcome.maxGasPerTx} allowed per tx`,
            },
          });
          return;
        }
        // The simulated gas says how many parts are needed at least; a part still too large splits again.
        return split(indices, Math.ceil(outcome.gasLimit / outcome.maxGasPerTx));
      case "rejected": {
        const { failedIndex, error, stage } = outcome;
        const failed = failedIndex === null ? undefined : indices[failedIndex];
        if (failed !== undefined) {
          settle([failed], { status: "failed", stage, error });
          return run(indices.filter((index) => index !== failed));
        }
        if (!isSplittable(error)) {
          stopped = { reason: `the tx was refused (${stage}): ${error.message}`, error };
          return;
        }
        if (indices.length === 1) {
          settle(indices, { status: "failed", stage, error });
          return;
        }
        return split(indices, 2);
      }
    }
  }

  /** Sends `indices` as `parts` (at least 2) near-equal consecutive batches, one after the other. */
  async function split(indices: readonly number[], parts: number): Promise<void> {
    const count = Math.min(indices.length, Math.max(2, parts));
    const base = Math.floor(indices.length / count);
    const extra = indices.length % count;
    let start = 0;
    for (let part = 0; part < count; part++) {
      const size = base + (part < extra ? 1 : 0);
      await run(indices.slice(start, start + size));
      start += size;
    }
  }

  await run(items.map((_, index) => index));
  return outcomes.map(
    (outcome) =>
      outcome ?? {
        status: "retry",
        reason: stopped?.reason ?? "not submitted",
        ...(stopped?.error ? { error: stopped.error } : {}),
      },
  );
}
