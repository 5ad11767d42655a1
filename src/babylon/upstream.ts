/** @module Internal: runs one upstream call and turns its failure into a typed Babylon error. */
import { BaseError } from "../errors/base.ts";
import { BabylonInvalidResponseError, BabylonQueryError, BabylonUnavailableError } from "./errors.ts";

/**
 * Whether a CosmJS failure means the query reached Babylon and was refused (ABCI error code, contract
 * error, JSON-RPC error object) rather than a transport failure.
 */
function isQueryFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const message = error.message;
  return (
    /^Query failed with \(\d+\)/.test(message) ||
    // A JSON-RPC error object (CosmJS throws its JSON as the message).
    /^\{"code":-?\d+/.test(message)
  );
}

/** Awaits `run()`; typed errors pass through, query refusals and transport failures are wrapped. */
export async function callUpstream<T>(path: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof BaseError) throw error;
    if (isQueryFailure(error)) throw new BabylonQueryError(path, error);
    throw new BabylonUnavailableError(path, error);
  }
}

/** The encode/decode pair of a babylon-proto-ts message. */
type Codec<T> = {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
};

/**
 * One gRPC query tunnelled as `abci_query` at `/<service>/<method>`: transport and ABCI failures are
 * wrapped by {@link callUpstream}, a response that does not decode becomes `upstream_invalid`.
 */
export async function grpcQuery<Req, Res>(
  rpc: { request(service: string, method: string, data: Uint8Array): Promise<Uint8Array> },
  service: string,
  method: string,
  requestCodec: Codec<Req>,
  responseCodec: Codec<Res>,
  request: Req,
): Promise<Res> {
  const path = `/${service}/${method}`;
  const bytes = await callUpstream(path, () =>
    rpc.request(service, method, requestCodec.encode(request).finish()),
  );
  try {
    return responseCodec.decode(bytes);
  } catch (error) {
    throw new BabylonInvalidResponseError(path, "response does not decode", error);
  }
}
