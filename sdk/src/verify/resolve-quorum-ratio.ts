/** @module `resolveQuorumRatio`: the caller's quorum option as the rule's exact ratio, validated by the rule. */
import { DEFAULT_QUORUM, type QuorumRatio, resolveConfig } from "../../../src/finality/index.ts";
import type { QuorumOption } from "./types.ts";

/**
 * `option` (default 2/3) as a bigint ratio. Validated by the rule's own config check, so the verifier accepts
 * exactly the ratios the edge can be configured with.
 * @throws InvalidFinalityConfigError (`invalid_finality_config`) for a ratio outside (0, 1]; RangeError for a
 *   non-integer number.
 */
export function resolveQuorumRatio(option: QuorumOption | undefined): QuorumRatio {
  if (option === undefined) return DEFAULT_QUORUM;
  const exact = (v: number | bigint, field: string): bigint => {
    if (typeof v === "bigint") return v;
    if (!Number.isSafeInteger(v)) throw new RangeError(`quorum.${field} must be an integer, got ${v}`);
    return BigInt(v);
  };
  const ratio = {
    numerator: exact(option.numerator, "numerator"),
    denominator: exact(option.denominator, "denominator"),
  };
  return resolveConfig({ activationHeight: 0n, interval: 1n, quorum: ratio }).quorum;
}
