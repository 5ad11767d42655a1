/** @module The SDK's errors as the gadget's: what the edge could not answer is `unavailable`, never a "no". */
import {
  AbortedError,
  FinalityEdgeError,
  InvalidRequestError,
  InvalidResponseError,
  NetworkError,
  RateLimitedError,
  TimeoutError,
  UpstreamUnavailableError,
} from "../../sdk/src/index.ts";
import { GadgetError } from "./errors.ts";

export function fromEdgeError(error: unknown, what: string): GadgetError {
  if (error instanceof GadgetError) return error;
  if (!(error instanceof FinalityEdgeError)) {
    return new GadgetError("internal", `${what}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  const reason = error.details ? `${error.shortMessage}: ${error.details}` : error.shortMessage;
  if (
    error instanceof NetworkError ||
    error instanceof TimeoutError ||
    error instanceof AbortedError ||
    error instanceof UpstreamUnavailableError ||
    error instanceof RateLimitedError ||
    (error.status !== undefined && error.status >= 500)
  ) {
    return new GadgetError("unavailable", `${what}: the edge is unavailable (${reason})`, { cause: error });
  }
  if (error instanceof InvalidRequestError) {
    return new GadgetError("invalid_argument", `${what}: ${reason}`, {
      cause: error,
      ...(error.field ? { field: error.field } : {}),
    });
  }
  if (error instanceof InvalidResponseError) {
    return new GadgetError("internal", `${what}: the edge's answer is unusable (${reason})`, {
      cause: error,
    });
  }
  return new GadgetError("internal", `${what}: ${reason}`, { cause: error });
}
