/** @module `assertOptions`: the caller's options checked before anything is read, so a typo never costs a query. */
import type { QuorumRatio } from "../../../src/finality/index.ts";
import { resolveQuorumRatio } from "./resolve-quorum-ratio.ts";
import type { VerifyDecisionOptions } from "./types.ts";

const HASH_RE = /^0x[0-9a-fA-F]{64}$/;

/**
 * Checks the options every level shares and returns the quorum ratio they give.
 * @throws TypeError for a missing chain id or contract address or a malformed `gridBlockHash`; RangeError /
 *   InvalidFinalityConfigError for a quorum outside (0, 1].
 */
export function assertOptions(options: VerifyDecisionOptions): QuorumRatio {
  if (typeof options.babylonChainId !== "string" || options.babylonChainId === "")
    throw new TypeError("babylonChainId is required");
  if (typeof options.contractAddress !== "string" || options.contractAddress === "")
    throw new TypeError("contractAddress is required");
  if (options.gridBlockHash !== undefined && !HASH_RE.test(options.gridBlockHash))
    throw new TypeError("gridBlockHash must be a 32-byte 0x hash");
  return resolveQuorumRatio(options.quorum);
}
