/** @module `createCometClient`: the one Comet 0.38 client the Babylon readers and the contract client are built on. */
import { Comet38Client, HttpClient, type HttpEndpoint, type RpcClient } from "@cosmjs/tendermint-rpc";
import { createFetchRpcClient } from "./fetch-rpc-client.ts";

export type CometClientOptions = {
  /** Per-request timeout of the HTTP calls, in milliseconds (none by default). */
  readonly timeoutMs?: number | undefined;
  /**
   * Send every JSON-RPC call through this `fetch` (a Worker's, a browser's, a test's) instead of CosmJS's HTTP
   * client. Failures then reject as `RpcTransportError` / `RpcErrorResponse` (fetch-rpc-client.ts).
   */
  readonly fetch?: typeof fetch | undefined;
  /** Send every call through this CosmJS `RpcClient`; `endpoint`, `timeoutMs` and `fetch` are then unused. */
  readonly rpcClient?: RpcClient | undefined;
};

/**
 * A Comet 0.38 client for `endpoint` (`http(s)://` URL or `{ url, headers }`) over, in order of preference, the
 * caller's `rpcClient`, the caller's `fetch`, or CosmJS's HTTP client. Sends nothing: no `status` round trip
 * (Comet 0.38 is assumed), and holds no connection or timer.
 */
export function createCometClient(
  endpoint: string | HttpEndpoint,
  options: CometClientOptions = {},
): Comet38Client {
  if (options.rpcClient) return Comet38Client.create(options.rpcClient);
  if (options.fetch) {
    const { url, headers } = typeof endpoint === "string" ? { url: endpoint, headers: undefined } : endpoint;
    return Comet38Client.create(
      createFetchRpcClient(url, {
        fetch: options.fetch,
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
        ...(headers ? { headers } : {}),
      }),
    );
  }
  return Comet38Client.create(new HttpClient(endpoint, options.timeoutMs));
}
