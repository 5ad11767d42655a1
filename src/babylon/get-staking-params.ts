/** @module `getStakingParams`: the x/btcstaking parameters the voting-power rule needs. */
import {
  QueryParamsRequest,
  QueryParamsResponse,
} from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/btcstaking/v1/query";
import { BabylonInvalidResponseError } from "./errors.ts";
import type { BabylonRpc } from "./rpc.ts";
import { grpcQuery } from "./upstream.ts";

export type StakingParams = {
  /** Covenant signatures a delegation needs in each of its three lists to count. */
  covenantQuorum: number;
};

/**
 * Causes one `abci_query` at `/babylon.btcstaking.v1.Query/Params`.
 * @throws BabylonUnavailableError / BabylonQueryError / BabylonInvalidResponseError.
 */
export async function getStakingParams(rpc: BabylonRpc): Promise<StakingParams> {
  const response = await grpcQuery(
    rpc.rpc,
    "babylon.btcstaking.v1.Query",
    "Params",
    QueryParamsRequest,
    QueryParamsResponse,
    {},
  );
  if (response.params === undefined) {
    throw new BabylonInvalidResponseError("/babylon.btcstaking.v1.Query/Params", "no params");
  }
  return { covenantQuorum: response.params.covenantQuorum };
}
