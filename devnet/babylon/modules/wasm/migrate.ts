/**
 * @module `/cosmwasm.wasm.v1.MsgMigrateContract`: only the contract's wasmd admin may migrate, and
 * the only code is the finality contract itself (a same-code migration, as the contract supports).
 */
import { MsgMigrateContract, MsgMigrateContractResponse } from "cosmjs-types/cosmwasm/wasm/v1/tx";
import { type MessageHandler, TxFailure } from "../../chain/module.ts";
import type { BabylonHost } from "../babylon-host.ts";
import { ContractError, type ContractResponse, migrateFinalityContract } from "../finality-contract/index.ts";
import { migrateFailed } from "./errors.ts";
import { callEvent } from "./events.ts";
import { contractCall, contractEnv, finishContractCall } from "./execute.ts";
import { chargeInstance } from "./gas.ts";
import { FINALITY_CODE_ID, saveContract } from "./registry.ts";

export function migrateContractHandler(host: BabylonHost): MessageHandler {
  return (value, ctx) => {
    const msg = MsgMigrateContract.decode(value);
    const { payload, record } = contractCall(ctx, msg);
    if (record.admin !== msg.sender) throw new TxFailure("sdk", 4, "can not migrate: unauthorized");
    const codeId = Number(msg.codeId);
    if (codeId !== FINALITY_CODE_ID) throw new TxFailure("wasm", 28, `code id ${msg.codeId}: no such code`);

    chargeInstance(ctx, msg.msg.length);
    ctx.emit(callEvent("migrate", record.address, codeId));
    let response: ContractResponse;
    try {
      response = migrateFinalityContract(ctx.store, contractEnv(ctx, record.address), payload);
    } catch (error) {
      if (error instanceof ContractError) throw migrateFailed(error);
      throw error;
    }
    saveContract(ctx.store, { ...record, codeId });
    finishContractCall(ctx, host, record.address, response);
    return MsgMigrateContractResponse.encode({ data: new Uint8Array() }).finish();
  };
}
