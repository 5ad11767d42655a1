/**
 * @module The gadget adapter's errors: a stable code per way a question can fail, mapped to a gRPC status and an
 * HTTP status in one place each (gadget/). Texts op-node matches on are kept verbatim.
 */
import { BaseError, type BaseErrorOptions } from "../errors/base.ts";

export type GadgetErrorCode =
  /** The question is malformed (a field names the part). */
  | "invalid_argument"
  /** BTC staking is not active for the chain yet: op-node treats exactly this as "not yet", anything else as critical. */
  | "not_activated"
  | "not_found"
  /** The edge cannot answer now (503, timeouts, network): ask again. */
  | "unavailable"
  /** The edge answered something unusable. */
  | "internal";

/** The text op-node's finalizer looks for (substring match) to tell "not activated" from a failure. */
export const NOT_ACTIVATED_TEXT = "BTC staking is not activated for the consumer chain";

export class GadgetError extends BaseError {
  override name = "GadgetError";
  declare readonly code: GadgetErrorCode;

  constructor(code: GadgetErrorCode, shortMessage: string, options: BaseErrorOptions = {}) {
    super(code, shortMessage, options);
  }
}
