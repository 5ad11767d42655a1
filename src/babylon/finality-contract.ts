/**
 * @module Builds the generated finality-contract query client over CometBFT RPC, without CosmJS's version probe.
 */
import { CosmWasmClient } from "@cosmjs/cosmwasm-stargate";
import type { HttpEndpoint } from "@cosmjs/tendermint-rpc";
import { FinalityQueryClient } from "../../generated/Finality.client.ts";
import { type CometClientOptions, createCometClient } from "./comet-client.ts";

/** `timeoutMs`, and optionally the caller's `fetch` or CosmJS `RpcClient` to send through. */
export type FinalityQueryClientOptions = CometClientOptions;

/**
 * Returns a {@link FinalityQueryClient} for the finality contract at `contractAddress`, talking to the CometBFT
 * 0.38 RPC at `endpoint` (an `http(s)://` URL, or `{ url, headers }` for authenticated providers).
 *
 * Construction sends nothing: unlike `CosmWasmClient.connect()`, it assumes Comet 0.38 instead of asking the node
 * with a `status` call. Each query method then causes exactly one `abci_query` JSON-RPC POST to `endpoint` (path
 * `/cosmwasm.wasm.v1.Query/SmartContractState`, latest height, no proof). Query failures reject: a JSON-RPC error
 * with its JSON as the message, a contract error as `Query failed with (<code>): <log>`, an HTTP status ≥ 400 as
 * `Bad status on response: <status>` (over a caller's `fetch`: as `RpcTransportError` / `RpcErrorResponse`).
 * With `rpcClient`, every call goes through that CosmJS client instead (e.g. one shared with `createBabylonRpc`).
 *
 * The client holds no open connection or timer; build one per request on Workers.
 */
export function createFinalityQueryClient(
  endpoint: string | HttpEndpoint,
  contractAddress: string,
  options: FinalityQueryClientOptions = {},
): FinalityQueryClient {
  const comet = createCometClient(endpoint, options);
  return new FinalityQueryClient(CosmWasmClient.create(comet), contractAddress);
}
