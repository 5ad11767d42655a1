/**
 * @module The rollup-BSN finality contract (`rollup-bsn/finality` 1.0.0-rc.1) as an in-process
 * model for the Babylon emulator: instantiate, execute, query and migrate over the chain's KV store,
 * with the contract's check order, error texts, events, storage semantics and Babylon queries
 * (contract.md §2–§12, §18). Stateless rules come from `src/contract-rules`.
 */
export { addrValidate } from "./address.ts";
export { ContractError, type ContractErrorKind } from "./errors.ts";
export { executeFinalityContract } from "./execute.ts";
export { instantiateFinalityContract } from "./instantiate.ts";
export {
  type ContractJson,
  JsonNonInteger,
  JsonSyntaxError,
  parseContractJson,
  stringifyContractJson,
} from "./json.ts";
export { migrateFinalityContract } from "./migrate.ts";
export { queryFinalityContract } from "./query.ts";
export { CONTRACT_NAME, CONTRACT_VERSION } from "./state/contract-version.ts";
export { contractStatePrefix } from "./storage.ts";
export type {
  Attribute,
  BabylonMsg,
  ContractCallOptions,
  ContractEnv,
  ContractEvent,
  ContractMeter,
  ContractResponse,
} from "./types.ts";
