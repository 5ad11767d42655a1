/**
 * @module The emulator's `wasm` module: hosts one rollup-BSN finality contract per genesis consumer
 * and speaks wasmd's messages and queries for it (`MsgExecuteContract`, `MsgMigrateContract`,
 * `Query/SmartContractState`, `Query/ContractInfo`), with wasmd's events, error logs and gas.
 */
import type { BlockContext, ChainModule } from "../../chain/module.ts";
import type { DevnetGenesis } from "../../genesis.ts";
import type { BabylonHost } from "../babylon-host.ts";
import { finalityContractAddress } from "./address.ts";
import { executeContractHandler } from "./execute.ts";
import { instantiateGenesisContracts } from "./genesis.ts";
import { migrateContractHandler } from "./migrate.ts";
import { contractInfoHandler, smartContractStateHandler } from "./queries.ts";

export { finalityContractAddress } from "./address.ts";
export { type ContractRecord, FINALITY_CODE_ID, loadContract } from "./registry.ts";

export type WasmModuleOptions = {
  genesis: DevnetGenesis;
  host: BabylonHost;
  /** Bech32 address of a genesis account, by name. */
  addressOf(accountName: string): string;
};

export type WasmModule = {
  module: ChainModule;
  /** The finality contract of each consumer, in genesis order. */
  contracts: Array<{ bsnId: string; address: string }>;
  /** Instantiates the contracts (skips ones already in the store). Call once in InitChain. */
  initGenesis(ctx: BlockContext): void;
};

export function createWasmModule(options: WasmModuleOptions): WasmModule {
  const { genesis, host, addressOf } = options;
  return {
    module: {
      name: "wasm",
      messages: {
        "/cosmwasm.wasm.v1.MsgExecuteContract": executeContractHandler(host),
        "/cosmwasm.wasm.v1.MsgMigrateContract": migrateContractHandler(host),
      },
      queries: {
        "/cosmwasm.wasm.v1.Query/SmartContractState": smartContractStateHandler,
        "/cosmwasm.wasm.v1.Query/ContractInfo": contractInfoHandler,
      },
    },
    contracts: genesis.consumers.map((consumer) => ({
      bsnId: consumer.bsnId,
      address: finalityContractAddress(consumer.bsnId),
    })),
    initGenesis: (ctx) => instantiateGenesisContracts(ctx, genesis, addressOf),
  };
}
