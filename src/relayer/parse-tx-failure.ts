/**
 * @module Reads a failed tx's log (CheckTx, DeliverTx) or a failed simulation's query error: which message
 * failed (wasmd's `failed to execute message; message index: N: …`), and the failure's code and own text.
 */
import { classifyContractError } from "./classify-contract-error.ts";
import type { ChainError } from "./types.ts";

export type ParsedFailure = { failedIndex: number | null; error: ChainError };

/** Cosmos SDK registered errors (codespace `sdk`) by code, and their descriptions (the log's last words). */
const SDK_ERRORS: ReadonlyArray<readonly [number, string, string]> = [
  [2, "tx parse error", "tx_decode"],
  [4, "unauthorized", "unauthorized"],
  [5, "insufficient funds", "insufficient_funds"],
  [7, "invalid address", "invalid_address"],
  [8, "invalid pubkey", "invalid_pubkey"],
  [9, "unknown address", "unknown_address"],
  [11, "out of gas", "out_of_gas"],
  [13, "insufficient fee", "insufficient_fee"],
  [19, "tx already in mempool", "tx_in_mempool_cache"],
  [20, "mempool is full", "mempool_full"],
  [21, "tx too large", "tx_too_large"],
  [30, "tx timeout height", "tx_timeout_height"],
  [32, "incorrect account sequence", "account_sequence_mismatch"],
  [41, "invalid gas limit", "invalid_gas_limit"],
];

const MESSAGE_FAILURE = /failed to execute message; message index: (\d+): ([\s\S]*)$/;
/** Greedy: wasmd may append a source location or the simulation's gas figures after the marker. */
const WASM_FAILURE = /^([\s\S]*): (?:execute|migrate|instantiate) wasm contract failed/;
/** What the gRPC simulation adds around the tx failure (real nodes and the emulator alike). */
const QUERY_PREFIX = /^Query failed with \(\d+\): /;
const GRPC_PREFIX = /^rpc error: code = \w+ desc = /;
const SIMULATION_SUFFIX = /\s*With gas wanted: '\d+' and gas used: '\d+'\s*(?::\s*unknown request)?\s*$/;
const SEQUENCE_MISMATCH = /account sequence mismatch, expected (\d+), got (\d+)/;

function sdkCode(codespace: string | undefined, abciCode: number | undefined, text: string): string {
  if (codespace === "sdk" && abciCode !== undefined) {
    const byCode = SDK_ERRORS.find(([code]) => code === abciCode);
    if (byCode) return byCode[2];
  }
  if (codespace === undefined || codespace === "sdk") {
    const byText = SDK_ERRORS.find(([, desc]) => text.endsWith(`: ${desc}`) || text === desc);
    if (byText) return byText[2];
  }
  return "chain_error";
}

/** The failure in a tx log; `meta` is the ABCI codespace and code when the chain gave them. */
export function parseTxFailure(
  log: string,
  meta: { codespace?: string; abciCode?: number } = {},
): ParsedFailure {
  const extra = {
    ...(meta.codespace === undefined ? {} : { codespace: meta.codespace }),
    ...(meta.abciCode === undefined ? {} : { abciCode: meta.abciCode }),
  };
  const message = MESSAGE_FAILURE.exec(log);
  if (message) {
    const failedIndex = Number(message[1]);
    const rest = message[2] ?? "";
    const wasm = WASM_FAILURE.exec(rest);
    if (wasm) {
      const text = wasm[1] ?? "";
      return { failedIndex, error: { code: classifyContractError(text), message: text, ...extra } };
    }
    // A message of another module, or the contract's Babylon submessage (`dispatch: submessages: …`).
    return {
      failedIndex,
      error: { code: sdkCode(meta.codespace, meta.abciCode, rest), message: rest, ...extra },
    };
  }
  return {
    failedIndex: null,
    error: { code: sdkCode(meta.codespace, meta.abciCode, log), message: log, ...extra },
  };
}

/** The failure inside a simulation's query error (`Query failed with (6): rpc error: … desc = <log> With gas …`). */
export function parseSimulationFailure(errorMessage: string): ParsedFailure {
  const log = errorMessage.replace(QUERY_PREFIX, "").replace(GRPC_PREFIX, "").replace(SIMULATION_SUFFIX, "");
  return parseTxFailure(log);
}

/** The sequence the chain expects, from an `account sequence mismatch` text. */
export function expectedSequence(text: string): number | undefined {
  const match = SEQUENCE_MISMATCH.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** Whether an error message is a query the node answered with an ABCI error (not a transport failure). */
export function isQueryFailure(errorMessage: string): boolean {
  return QUERY_PREFIX.test(errorMessage);
}
