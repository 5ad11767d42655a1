/** @module Upstream failures shared by every reader, so the API maps them to 502/503 in one place. */
import { BaseError, type BaseErrorOptions } from "./base.ts";

export type Upstream = "babylon" | "l2" | "queue" | "coordinator";

/** An upstream (Babylon RPC, L2 RPC) could not be reached, timed out, or failed at the transport. Retryable. */
export class UpstreamUnavailableError extends BaseError {
  override name = "UpstreamUnavailableError";
  readonly upstream: Upstream;

  constructor(upstream: Upstream, shortMessage: string, options: BaseErrorOptions = {}) {
    super("upstream_unavailable", shortMessage, options);
    this.upstream = upstream;
  }
}
