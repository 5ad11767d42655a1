/**
 * @module How wasmd words failures, so a client sees what it would on Babylon.
 *
 * Tx logs: a contract error is `<contract text>: execute wasm contract failed` (wasm code 5;
 * migrate: 11); a failing message the contract sent is `dispatch: submessages: <its error>` with
 * its own code. The chain core prefixes `failed to execute message; message index: N: `.
 *
 * Queries: the module's error (`<text>: query wasm contract failed`, wasm 9; `no such contract`,
 * wasm 22) is what the gRPC handler returns; the chain core reports a non-`sdk` query failure the
 * way baseapp does, as SDK code 6 with `: unknown request` appended (CosmJS: `Query failed with
 * (6): …`). Failures baseapp maps differently (invalid argument → code 18) are thrown as `sdk`.
 */
import { TxFailure } from "../../chain/module.ts";
import type { ContractError } from "../finality-contract/index.ts";

/** A contract failure as wasmd renders it: contract errors verbatim, wasm panics as VM errors. */
export function contractFailureText(error: ContractError): string {
  if (error.kind === "abort") {
    return `Error calling the VM: Error executing Wasm: Wasmer runtime error: RuntimeError: Aborted: ${error.message}`;
  }
  return error.message;
}

export const executeFailed = (error: ContractError): TxFailure =>
  new TxFailure("wasm", 5, `${contractFailureText(error)}: execute wasm contract failed`);

export const migrateFailed = (error: ContractError): TxFailure =>
  new TxFailure("wasm", 11, `${contractFailureText(error)}: migrate wasm contract failed`);

/** The contract's Babylon message was refused: the tx fails with Babylon's code and text. */
export const dispatchFailed = (failure: TxFailure): TxFailure =>
  new TxFailure(failure.codespace, failure.abciCode, `dispatch: submessages: ${failure.message}`);

export const queryContractFailed = (error: ContractError): TxFailure =>
  new TxFailure("wasm", 9, `${contractFailureText(error)}: query wasm contract failed`);

export const noSuchContract = (address: string): TxFailure =>
  new TxFailure("wasm", 22, `address ${address}: no such contract`);
