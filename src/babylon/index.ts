/** @module Babylon Genesis access: the finality contract's clients and the readers the read API uses. */

export {
  FinalityClient,
  type FinalityInterface,
  FinalityQueryClient,
  type FinalityReadOnlyInterface,
} from "../../generated/Finality.client.ts";
export type * from "../../generated/Finality.types.ts";
export type { BtcHeaderInfo } from "./btc-header.ts";
export { type CometClientOptions, createCometClient } from "./comet-client.ts";
export { computeVotingPower, isDelegationActive, type VotingPowerRule } from "./compute-voting-power.ts";
export {
  BabylonInvalidResponseError,
  BabylonQueryError,
  BabylonUnavailableError,
  BtcTimestampBeforeBaseError,
} from "./errors.ts";
export {
  createFetchRpcClient,
  type FetchRpcClientOptions,
  RpcErrorResponse,
  RpcTransportError,
} from "./fetch-rpc-client.ts";
export {
  createFinalityQueryClient,
  type FinalityQueryClientOptions,
} from "./finality-contract.ts";
export { type BlockVoter, getBlockVoters } from "./get-block-voters.ts";
export { getBtcBaseHeader } from "./get-btc-base-header.ts";
export {
  type BtcHeaderCache,
  type BtcHeightAtTimestamp,
  type BtcHeightAtTimestampOptions,
  getBtcHeightAtTimestamp,
} from "./get-btc-height-at-timestamp.ts";
export { type BtcStakingActivation, getBtcStakingActivation } from "./get-btc-staking-activation.ts";
export { getBtcTip } from "./get-btc-tip.ts";
export { type CheckpointParams, getCheckpointParams } from "./get-checkpoint-params.ts";
export { type ContractConfig, getContractConfig } from "./get-contract-config.ts";
export { type Delegation, getFinalityProviderDelegations } from "./get-finality-provider-delegations.ts";
export {
  type FinalityProvider,
  getFinalityProviders,
  isSlashed,
  type PageOptions,
} from "./get-finality-providers.ts";
export { getHighestVotedHeight } from "./get-highest-voted-height.ts";
export {
  assemblePowerTable,
  getPowerTable,
  type PowerTable,
  type PowerTableEntry,
  type PowerTableOptions,
} from "./get-power-table.ts";
export {
  getLastPubRandCommit,
  getPubRandCommitForHeight,
  type PubRandCommitRecord,
  queryHeight,
} from "./get-pub-rand-commit.ts";
export { getStakingParams, type StakingParams } from "./get-staking-params.ts";
export { type BabylonRpc, type BabylonRpcOptions, createBabylonRpc } from "./rpc.ts";
