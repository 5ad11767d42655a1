/** @module `createBabylonRpc`: one CometBFT 0.38 RPC connection object for the Babylon readers. */
import { createProtobufRpcClient, type ProtobufRpcClient, QueryClient } from "@cosmjs/stargate";
import { Comet38Client, HttpClient, type HttpEndpoint } from "@cosmjs/tendermint-rpc";

export type BabylonRpcOptions = {
  /** Per-request timeout of the HTTP calls, in milliseconds (none by default). */
  readonly timeoutMs?: number;
};

/** What the Babylon readers take first: a Comet 0.38 client and the protobuf RPC over its `abci_query`. */
export type BabylonRpc = {
  readonly comet: Comet38Client;
  readonly queryClient: QueryClient;
  /** `request(service, method, bytes)` → one `abci_query` at path `/<service>/<method>`, latest height, no proof. */
  readonly rpc: ProtobufRpcClient;
};

/**
 * Builds the RPC object for the CometBFT 0.38 RPC at `endpoint` (`http(s)://` URL or `{ url, headers }`).
 * Sends nothing: no `status` round trip (Comet 0.38 is assumed). Holds no connection or timer; build one
 * per request on Workers.
 */
export function createBabylonRpc(
  endpoint: string | HttpEndpoint,
  options: BabylonRpcOptions = {},
): BabylonRpc {
  const comet = Comet38Client.create(new HttpClient(endpoint, options.timeoutMs));
  const queryClient = new QueryClient(comet);
  return { comet, queryClient, rpc: createProtobufRpcClient(queryClient) };
}
