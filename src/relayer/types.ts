/** @module Shapes of the relayer: what it takes (instructions), what one batch tx ends as, and per-item outcomes. */
import type { TxSigner } from "./tx-signer.ts";

/** One contract call: the execute message goes into the tx unchanged, as JSON. */
export type Instruction = { contractAddress: string; msg: object };

/**
 * A failure as the chain reported it. `code` is stable and snake_case: the contract's error name for
 * contract refusals (`duplicated_finality_sig`, …, `contract_error` when unknown), else a chain-level
 * name (`account_sequence_mismatch`, `insufficient_fee`, `out_of_gas`, …, `chain_error` when unknown).
 * `message` is the contract's own text (or the chain's log with wrappers stripped).
 */
export type ChainError = {
  code: string;
  message: string;
  /** ABCI codespace and code, when the chain gave them (CheckTx / DeliverTx; a simulation gives none). */
  codespace?: string;
  abciCode?: number;
};

/** Where a batch was refused: in simulation (no fee spent), in CheckTx (no fee), or in a block (fee spent). */
export type RejectionStage = "simulate" | "check" | "deliver";

export type BatchOutcome =
  | {
      kind: "included";
      txHash: string;
      height: number;
      gasUsed: number;
      gasWanted: number;
      /** The fee paid, in the gas price's denom. */
      fee: { denom: string; amount: string };
      messages: number;
    }
  | {
      kind: "rejected";
      stage: RejectionStage;
      /** The tx's hash once it was signed and sent (check, deliver). */
      txHash?: string;
      /** The block that included the failed tx (deliver). */
      height?: number;
      /** Which instruction failed (wasmd's "message index: N"); null when the failure is not a message's. */
      failedIndex: number | null;
      error: ChainError;
    }
  /** The simulated gas × adjustment is above `maxGasPerTx`: split the batch. Nothing was sent. */
  | { kind: "too_large"; gasLimit: number; maxGasPerTx: number; messages: number }
  /**
   * Accepted by CheckTx but not seen in a block before the timeout. It may still land: check the chain
   * (by `txHash`) before sending the same messages again.
   */
  | { kind: "unknown"; txHash: string };

export type RelayerOptions = {
  /** CometBFT 0.38 RPC of a Babylon node (`http(s)://…`). */
  rpcUrl: string;
  chainId: string;
  /** Secret: never logged, never put in an error. */
  mnemonic: string;
  /** Minimum gas price, e.g. `0.002ubbn`. */
  gasPrice: string;
  /** Simulated gas × this = the tx's gas limit. Default 1.3. */
  gasAdjustment?: number;
  /** Largest gas limit to send; above it the batch is `too_large`. Default 10,000,000 (Babylon's per-tx cap in CheckTx). */
  maxGasPerTx?: number;
  /** How long to wait for a sent tx to appear in a block. Default 30,000 ms. */
  broadcastTimeoutMs?: number;
  /** Interval between inclusion polls. Default 1,000 ms. */
  pollIntervalMs?: number;
  /** Timeout of each HTTP request to the RPC. Default 10,000 ms. */
  requestTimeoutMs?: number;
  /** Bech32 prefix of the relayer's address. Default `bbn`. */
  prefix?: string;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
  /**
   * A signer already derived from `mnemonic` with this `prefix` (derivation costs tens of milliseconds), so a
   * relayer can be built per Worker invocation without deriving the key each time.
   */
  signer?: TxSigner;
};

export type Relayer = {
  /** The relayer's account (bech32), which signs and pays for every tx. */
  readonly address: string;
  /**
   * Sends one tx with one `MsgExecuteContract` per instruction, in order, and waits for its inclusion.
   * Calls on one relayer run one at a time. Throws `RelayerUnavailableError` when the RPC cannot be
   * reached (retry later), `EmptyBatchError` for no instructions.
   */
  submitBatch(instructions: readonly Instruction[]): Promise<BatchOutcome>;
};

/** What became of one item of {@link submitWithBisection}. */
export type ItemOutcome =
  | { status: "submitted"; txHash: string; height: number }
  /** Refused for good, by the contract or the chain (`error.code`; `duplicated_finality_sig` means it is already on chain). */
  | { status: "failed"; stage: RejectionStage | "size"; error: ChainError }
  /** Sent in a tx whose fate is unknown: check `txHash` on chain before resending. */
  | { status: "unknown"; txHash: string }
  /** Not submitted (the RPC was unavailable, or the tx failed for a reason of the relayer's own): send again later. */
  | { status: "retry"; reason: string; error?: ChainError };
