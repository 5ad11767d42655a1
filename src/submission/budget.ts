/**
 * @module The contract's per-FP message budget (`max_msgs_per_interval` per `block_interval` Babylon blocks). The
 * chain's coordinator counts it exactly (src/coordinator/ledger.ts); the interval number comes from the latest
 * Babylon height, so a message may land one interval later than counted, which only makes the edge stricter.
 */

export type BudgetRule = { maxMsgsPerInterval: number; blockInterval: bigint };

export function intervalOf(babylonHeight: bigint, rule: BudgetRule): bigint {
  return babylonHeight / (rule.blockInterval > 0n ? rule.blockInterval : 1n);
}
