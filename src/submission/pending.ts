/**
 * @module The edge's own list of accepted messages that are not settled yet (queued, or sent without a
 * confirmed inclusion). A queue that loses messages (a local queue across a restart; an operator purging it)
 * must not lose submissions: the scheduled handler sends whatever stayed pending too long to the queue again,
 * and the consumer looks each one up on chain before sending it, so nothing is submitted twice.
 */
import { pendingKey, pendingPrefix, RECORD_TTL_SECONDS } from "./keys.ts";
import type { QueuedSubmission } from "./types.ts";

type Pending = { item: QueuedSubmission; sentAt: number };

export async function putPending(kv: KVNamespace, item: QueuedSubmission, sentAt: number): Promise<void> {
  await kv.put(pendingKey(item.chain, item.id), JSON.stringify({ item, sentAt } satisfies Pending), {
    expirationTtl: RECORD_TTL_SECONDS,
  });
}

export async function clearPending(kv: KVNamespace, chain: string, id: string): Promise<void> {
  await kv.delete(pendingKey(chain, id));
}

/**
 * Sends the chain's messages pending for longer than `olderThanMs` to the queue again, marked `requeued`
 * (at most `max` per run). Returns how many it sent.
 */
export async function requeueStale(
  kv: KVNamespace,
  queue: Queue,
  chain: string,
  options: { olderThanMs: number; max: number; now?: number },
): Promise<number> {
  const now = options.now ?? Date.now();
  const listed = await kv.list({ prefix: pendingPrefix(chain), limit: Math.min(1000, options.max * 4) });
  const stale: Pending[] = [];
  for (const { name } of listed.keys) {
    if (stale.length >= options.max) break;
    const text = await kv.get(name, "text");
    if (text === null) continue;
    const pending = JSON.parse(text) as Pending;
    if (now - pending.sentAt >= options.olderThanMs) stale.push(pending);
  }
  if (stale.length === 0) return 0;
  await queue.sendBatch(
    stale.map((p) => ({ body: { ...p.item, requeued: true }, contentType: "json" as const })),
  );
  for (const p of stale) await putPending(kv, p.item, now);
  return stale.length;
}
