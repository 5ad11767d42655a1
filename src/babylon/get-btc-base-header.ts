/** @module `getBtcBaseHeader`: the BTC light client's base (lowest) header. */
import {
  QueryBaseHeaderRequest,
  QueryBaseHeaderResponse,
} from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/btclightclient/v1/query";
import { type BtcHeaderInfo, toBtcHeaderInfo } from "./btc-header.ts";
import type { BabylonRpc } from "./rpc.ts";
import { grpcQuery } from "./upstream.ts";

/**
 * Causes one `abci_query` at `/babylon.btclightclient.v1.Query/BaseHeader`.
 * @throws BabylonUnavailableError / BabylonQueryError / BabylonInvalidResponseError.
 */
export async function getBtcBaseHeader(rpc: BabylonRpc): Promise<BtcHeaderInfo> {
  const response = await grpcQuery(
    rpc.rpc,
    "babylon.btclightclient.v1.Query",
    "BaseHeader",
    QueryBaseHeaderRequest,
    QueryBaseHeaderResponse,
    {},
  );
  return toBtcHeaderInfo(response.header, "/babylon.btclightclient.v1.Query/BaseHeader");
}
