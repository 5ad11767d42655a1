/** @module `checkBtcHeight`: the BTC height the power is taken at, re-derived from the grid block's timestamp. */
import type { BabylonReaders } from "./create-babylon-readers.ts";
import { describeError } from "./describe-error.ts";
import type { VerificationCheck } from "./types.ts";

/**
 * Rule 2: power is taken at the highest BTC header at or before the grid block's timestamp, clamped to the tip.
 * With the timestamp (on the grid it is the answer's; off it, the L2 node's), Babylon's light client gives the
 * height, which must be the answer's. Without it the answer's height is used, unchecked (no check runs). Returns
 * the height to read power at, or `null` when there is none.
 */
export async function checkBtcHeight(
  btcHeightAt: BabylonReaders["btcHeightAt"],
  timestamp: bigint | null,
  stated: bigint | null,
): Promise<{ check: VerificationCheck | null; height: bigint | null; beforeBase: boolean }> {
  const name = "btc-height";
  if (timestamp === null) {
    if (stated !== null) return { check: null, height: stated, beforeBase: false };
    const detail = "neither the answer's BTC height nor the grid block's timestamp is known (pass l2)";
    return { check: { name, ok: false, detail }, height: null, beforeBase: false };
  }
  let derived: Awaited<ReturnType<BabylonReaders["btcHeightAt"]>>;
  try {
    derived = await btcHeightAt(timestamp);
  } catch (error) {
    const detail = `the BTC height of timestamp ${timestamp} could not be read: ${describeError(error)}`;
    return { check: { name, ok: false, detail }, height: null, beforeBase: false };
  }
  const how = derived.beforeBase
    ? " (before the light client's base: no power)"
    : derived.clamped
      ? " (clamped to the BTC tip)"
      : "";
  const { height, beforeBase } = derived;
  if (stated !== null && stated !== height)
    return {
      check: {
        name,
        ok: false,
        detail: `the answer uses BTC height ${stated}; Babylon gives ${height}${how} for timestamp ${timestamp}`,
      },
      height,
      beforeBase,
    };
  return {
    check: { name, ok: true, detail: `BTC height ${height}${how} for timestamp ${timestamp}` },
    height,
    beforeBase,
  };
}
