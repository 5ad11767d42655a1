/**
 * @module `/cosmwasm.wasm.v1.MsgExecuteContract` against the finality contract model: run the
 * contract in the tx's store, emit wasmd's events, charge gas, and dispatch the contract's
 * `msg_equivocation_evidence` to Babylon in the same tx (a refusal fails the whole tx). Attached
 * funds are accepted and ignored (the contract ignores them; bank transfers are the core's).
 */
import { MsgExecuteContract, MsgExecuteContractResponse } from "cosmjs-types/cosmwasm/wasm/v1/tx";
import { type BlockContext, type MessageHandler, type TxContext, TxFailure } from "../../chain/module.ts";
import type { BabylonHost } from "../babylon-host.ts";
import {
  type ContractEnv,
  ContractError,
  type ContractJson,
  type ContractResponse,
  executeFinalityContract,
} from "../finality-contract/index.ts";
import { dispatchFailed, executeFailed, noSuchContract } from "./errors.ts";
import { callEvent, contractEvents } from "./events.ts";
import { chargeEvents, chargeInstance, contractMeter } from "./gas.ts";
import { parsePayload } from "./payload.ts";
import { type ContractRecord, loadContract } from "./registry.ts";

export const contractEnv = (ctx: BlockContext, address: string): ContractEnv => ({
  blockHeight: ctx.height,
  chainId: ctx.chainId,
  contractAddress: address,
  blockTime: ctx.time,
});

/** Emits the contract's events and sends its Babylon messages; a refused message fails the tx. */
export function finishContractCall(
  ctx: TxContext,
  host: BabylonHost,
  address: string,
  response: ContractResponse,
): void {
  const events = contractEvents(address, response);
  chargeEvents(ctx, events);
  for (const event of events) ctx.emit(event);
  for (const message of response.messages) {
    try {
      host.handleEquivocationEvidence(ctx, message.msg_equivocation_evidence);
    } catch (error) {
      if (error instanceof TxFailure) throw dispatchFailed(error);
      throw error;
    }
  }
}

/**
 * What a wasm message that calls a contract checks first, in wasmd's order: the signer (the SDK
 * derives the tx's required signer from `sender`), the JSON payload, then the contract's record.
 */
export function contractCall(
  ctx: TxContext,
  msg: { sender: string; contract: string; msg: Uint8Array },
): { payload: ContractJson; record: ContractRecord } {
  if (msg.sender !== ctx.signer) {
    throw new TxFailure(
      "sdk",
      8,
      `pubKey does not match signer address ${msg.sender} with signer index: 0: invalid pubkey`,
    );
  }
  const payload = parsePayload(msg.msg);
  const record = loadContract(ctx.store, msg.contract);
  if (record === undefined) throw noSuchContract(msg.contract);
  return { payload, record };
}

export function executeContractHandler(host: BabylonHost): MessageHandler {
  return (value, ctx) => {
    const msg = MsgExecuteContract.decode(value);
    const { payload, record } = contractCall(ctx, msg);

    chargeInstance(ctx, msg.msg.length);
    ctx.emit(callEvent("execute", record.address));
    let response: ContractResponse;
    try {
      response = executeFinalityContract(
        ctx.store,
        contractEnv(ctx, record.address),
        host,
        msg.sender,
        payload,
        {
          meter: contractMeter(ctx),
        },
      );
    } catch (error) {
      if (error instanceof ContractError) throw executeFailed(error);
      throw error;
    }
    finishContractCall(ctx, host, record.address, response);
    // The contract sets no data.
    return MsgExecuteContractResponse.encode({ data: new Uint8Array() }).finish();
  };
}
