/**
 * @module The contract's per-FP message budget (`max_msgs_per_interval` per `block_interval` Babylon blocks),
 * counted by the edge so it never submits past it. The interval number comes from the latest Babylon height;
 * a message may land one interval later than counted, which only makes the edge's count stricter.
 * KV counters are read-modify-write: under heavy concurrency for ONE FP the count can lag by the requests in
 * flight (the contract then refuses the excess, and their records say so).
 */
import { rateLimitExceeded } from "../contract-rules/index.ts";
import { budgetKey } from "./keys.ts";

export type BudgetRule = { maxMsgsPerInterval: number; blockInterval: bigint };

export function intervalOf(babylonHeight: bigint, rule: BudgetRule): bigint {
  return babylonHeight / (rule.blockInterval > 0n ? rule.blockInterval : 1n);
}

async function used(kv: KVNamespace, key: string): Promise<number> {
  const text = await kv.get(key, "text");
  const value = text === null ? 0 : Number(text);
  return Number.isSafeInteger(value) && value >= 0 ? value : 0;
}

/** Throws the contract's RateLimitExceeded when `count` more messages would exceed the budget. */
export async function checkBudget(
  kv: KVNamespace,
  chain: string,
  fpHex: string,
  interval: bigint,
  rule: BudgetRule,
  count = 1,
): Promise<void> {
  if ((await used(kv, budgetKey(chain, fpHex, interval))) + count > rule.maxMsgsPerInterval) {
    throw rateLimitExceeded(fpHex, rule.maxMsgsPerInterval);
  }
}

/** Counts `count` accepted messages. */
export async function consumeBudget(
  kv: KVNamespace,
  chain: string,
  fpHex: string,
  interval: bigint,
  count: number,
): Promise<void> {
  const key = budgetKey(chain, fpHex, interval);
  // Kept ten minutes: long enough for any interval the edge can still be in.
  await kv.put(key, String((await used(kv, key)) + count), { expirationTtl: 600 });
}
