/**
 * @module A CosmJS `RpcClient` over a given `fetch` (CometBFT JSON-RPC over HTTP POST), so the relayer and the
 * SDK's verifier run in workerd, browsers and Node alike with the caller's `fetch`, and can tell "the node could
 * not be reached" from "the node answered".
 */
import type { RpcClient } from "@cosmjs/tendermint-rpc";

type JsonRpcRequest = Parameters<RpcClient["execute"]>[0];
type JsonRpcSuccessResponse = Awaited<ReturnType<RpcClient["execute"]>>;

/** The request never got an answer: network failure, timeout, HTTP error status, or a body that is not JSON-RPC. */
export class RpcTransportError extends Error {
  override name = "RpcTransportError";
  readonly status: number | undefined;
  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
  }
}

/** The node answered with a JSON-RPC error object (e.g. `tx already exists in cache`, `mempool is full`). */
export class RpcErrorResponse extends Error {
  override name = "RpcErrorResponse";
  readonly rpcCode: number;
  readonly data: string | undefined;
  constructor(rpcCode: number, message: string, data: string | undefined) {
    super(data ? `${message}: ${data}` : message);
    this.rpcCode = rpcCode;
    this.data = data;
  }
}

export type FetchRpcClientOptions = {
  fetch?: typeof fetch;
  /** Per-request timeout in ms (0: none). */
  timeoutMs?: number;
  /** Sent with every request (an authenticated provider's key), as CosmJS's `HttpEndpoint.headers`. */
  headers?: Record<string, string>;
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export function createFetchRpcClient(url: string, options: FetchRpcClientOptions = {}): RpcClient {
  if (!/^https?:\/\//.test(url)) throw new Error("RPC URL must start with http:// or https://");
  // Called as a plain function: workerd's fetch refuses to run with another object as `this`.
  const send = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const timeoutMs = options.timeoutMs ?? 0;

  return {
    async execute(request: JsonRpcRequest): Promise<JsonRpcSuccessResponse> {
      let body: unknown;
      try {
        const response = await send(url, {
          method: "POST",
          headers: { ...options.headers, "content-type": "application/json" },
          body: JSON.stringify(request),
          ...(timeoutMs > 0 ? { signal: AbortSignal.timeout(timeoutMs) } : {}),
        });
        if (!response.ok) {
          // Drain the body so the connection can be reused; its content is not needed.
          await response.body?.cancel().catch(() => {});
          throw new RpcTransportError(`HTTP ${response.status} from the RPC`, { status: response.status });
        }
        body = await response.json();
      } catch (error) {
        if (error instanceof RpcTransportError) throw error;
        throw new RpcTransportError(
          `${request.method}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
          { cause: error },
        );
      }
      if (!isObject(body))
        throw new RpcTransportError(`${request.method}: the answer is not a JSON-RPC object`);
      if (isObject(body.error)) {
        const { code, message, data } = body.error;
        throw new RpcErrorResponse(
          typeof code === "number" ? code : 0,
          typeof message === "string" ? message : "JSON-RPC error",
          typeof data === "string" ? data : undefined,
        );
      }
      if (!("result" in body)) throw new RpcTransportError(`${request.method}: the answer has no result`);
      return { jsonrpc: "2.0", id: request.id, result: body.result };
    },
    disconnect() {
      // Nothing is held open between requests.
    },
  };
}
