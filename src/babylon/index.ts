/** @module Babylon Genesis access: the rollup-BSN finality contract's generated clients and their factory. */

export {
  FinalityClient,
  type FinalityInterface,
  FinalityQueryClient,
  type FinalityReadOnlyInterface,
} from "../../generated/Finality.client.ts";
export type * from "../../generated/Finality.types.ts";
export {
  createFinalityQueryClient,
  type FinalityQueryClientOptions,
} from "./finality-contract.ts";
