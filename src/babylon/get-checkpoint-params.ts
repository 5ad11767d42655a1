/** @module `getCheckpointParams`: x/btccheckpoint's k and w. */
import {
  QueryParamsRequest,
  QueryParamsResponse,
} from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/btccheckpoint/v1/query";
import { BabylonInvalidResponseError } from "./errors.ts";
import type { BabylonRpc } from "./rpc.ts";
import { grpcQuery } from "./upstream.ts";

export type CheckpointParams = {
  /** `btc_confirmation_depth`: a delegation counts from `start_height + k`. */
  k: number;
  /** `checkpoint_finalization_timeout`: a delegation stops counting at `end_height - w`. */
  w: number;
};

/**
 * Causes one `abci_query` at `/babylon.btccheckpoint.v1.Query/Params`.
 * @throws BabylonUnavailableError / BabylonQueryError / BabylonInvalidResponseError.
 */
export async function getCheckpointParams(rpc: BabylonRpc): Promise<CheckpointParams> {
  const response = await grpcQuery(
    rpc.rpc,
    "babylon.btccheckpoint.v1.Query",
    "Params",
    QueryParamsRequest,
    QueryParamsResponse,
    {},
  );
  if (response.params === undefined) {
    throw new BabylonInvalidResponseError("/babylon.btccheckpoint.v1.Query/Params", "no params");
  }
  return { k: response.params.btcConfirmationDepth, w: response.params.checkpointFinalizationTimeout };
}
