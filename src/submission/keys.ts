/**
 * @module Workers KV keys of the submission path, built in one place.
 *
 * | key                                  | holds                                          | lifetime            |
 * |--------------------------------------|------------------------------------------------|---------------------|
 * | `sub/{chain}/{id}`                   | a submission record                            | 30 days             |
 * | `vote/{chain}/{fpHex}/{height}`      | votes the edge accepted for the FP at a height | 30 days             |
 * | `evidence/{chain}/{fpHex}/{height}`  | equivocation evidence                          | forever             |
 * | `budget/{chain}/{fpHex}/{interval}`  | messages accepted in a rate-limit interval     | a few intervals     |
 * | `metrics/{chain}`                    | relay counters (the queue consumer's)          | forever             |
 * | `metrics/{chain}/accept`             | accept counters folded by the cron             | forever             |
 * | `metrics/{chain}/delta/{isolate}/{n}`| one isolate's accept counts since its last flush | until folded      |
 * | `pending/{chain}/{id}`               | an accepted message not yet settled (its body) | until settled       |
 */
export const RECORD_TTL_SECONDS = 30 * 24 * 3600;

export const submissionKey = (chain: string, id: string) => `sub/${chain}/${id}`;
export const voteLogKey = (chain: string, fpHex: string, height: bigint | string) =>
  `vote/${chain}/${fpHex}/${height}`;
export const evidenceKey = (chain: string, fpHex: string, height: bigint | string) =>
  `evidence/${chain}/${fpHex}/${height}`;
export const budgetKey = (chain: string, fpHex: string, interval: bigint) =>
  `budget/${chain}/${fpHex}/${interval}`;
export const metricsKey = (chain: string) => `metrics/${chain}`;
export const acceptTotalsKey = (chain: string) => `metrics/${chain}/accept`;
export const acceptDeltaPrefix = (chain: string) => `metrics/${chain}/delta/`;
export const acceptDeltaKey = (chain: string, isolate: string, seq: string) =>
  `${acceptDeltaPrefix(chain)}${isolate}/${seq}`;
export const pendingKey = (chain: string, id: string) => `pending/${chain}/${id}`;
export const pendingPrefix = (chain: string) => `pending/${chain}/`;
