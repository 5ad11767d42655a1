/** @module `getBtcTip`: the BTC light client's tip. */
import {
  QueryTipRequest,
  QueryTipResponse,
} from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/btclightclient/v1/query";
import { type BtcHeaderInfo, toBtcHeaderInfo } from "./btc-header.ts";
import type { BabylonRpc } from "./rpc.ts";
import { grpcQuery } from "./upstream.ts";

/**
 * The tip header of Babylon's BTC light client: height, miner timestamp and display hash.
 *
 * Causes one `abci_query` at `/babylon.btclightclient.v1.Query/Tip`.
 * @throws BabylonUnavailableError / BabylonQueryError / BabylonInvalidResponseError.
 */
export async function getBtcTip(rpc: BabylonRpc): Promise<BtcHeaderInfo> {
  const response = await grpcQuery(
    rpc.rpc,
    "babylon.btclightclient.v1.Query",
    "Tip",
    QueryTipRequest,
    QueryTipResponse,
    {},
  );
  return toBtcHeaderInfo(response.header, "/babylon.btclightclient.v1.Query/Tip");
}
