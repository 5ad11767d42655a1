/** @module `createBabylonRpc`: one CometBFT 0.38 RPC connection object for the Babylon readers. */
import { createProtobufRpcClient, type ProtobufRpcClient, QueryClient } from "@cosmjs/stargate";
import type { Comet38Client, HttpEndpoint } from "@cosmjs/tendermint-rpc";
import { type CometClientOptions, createCometClient } from "./comet-client.ts";

/** `timeoutMs`, and optionally the caller's `fetch` or CosmJS `RpcClient` to send through. */
export type BabylonRpcOptions = CometClientOptions;

/** What the Babylon readers take first: a Comet 0.38 client and the protobuf RPC over its `abci_query`. */
export type BabylonRpc = {
  readonly comet: Comet38Client;
  readonly queryClient: QueryClient;
  /** `request(service, method, bytes)` → one `abci_query` at path `/<service>/<method>`, latest height, no proof. */
  readonly rpc: ProtobufRpcClient;
};

/**
 * Builds the RPC object for the CometBFT 0.38 RPC at `endpoint` (`http(s)://` URL or `{ url, headers }`), over
 * the caller's `rpcClient` or `fetch` when given ({@link createCometClient}). Sends nothing: no `status` round trip
 * (Comet 0.38 is assumed). Holds no connection or timer; build one per request on Workers.
 */
export function createBabylonRpc(
  endpoint: string | HttpEndpoint,
  options: BabylonRpcOptions = {},
): BabylonRpc {
  const comet = createCometClient(endpoint, options);
  const queryClient = new QueryClient(comet);
  return { comet, queryClient, rpc: createProtobufRpcClient(queryClient) };
}
