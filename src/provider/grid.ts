/** @module The contract's voting grid `A + j·I` (activation height A, interval I). */
import { toUint64 } from "../crypto/index.ts";

type U64 = number | bigint;

/** Whether the contract accepts a vote at `height`: `height ≥ A` and `(height − A) % I = 0`. */
export function isScheduledHeight(height: U64, activationHeight: U64, interval: U64): boolean {
  const h = toUint64(height, "height");
  const a = toUint64(activationHeight, "activationHeight");
  const i = toUint64(interval, "interval");
  return h >= a && i > 0n && (h - a) % i === 0n;
}

/**
 * The finality provider's `align(h)` (crypto-and-provider.md §5.6): `A` when `h ≤ A`, else `h`
 * rounded up to the next grid height. Commit start heights must be aligned, or no scheduled height
 * would ever fall into the commit's sparse set.
 */
export function alignToGrid(height: U64, activationHeight: U64, interval: U64): bigint {
  const h = toUint64(height, "height");
  const a = toUint64(activationHeight, "activationHeight");
  const i = toUint64(interval, "interval");
  if (i === 0n) throw new RangeError("interval must be at least 1");
  if (h <= a) return a;
  return a + ((h - a + i - 1n) / i) * i;
}
