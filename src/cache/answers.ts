/**
 * @module Finalized answers as served: the exact response body and its strong ETag, stored once and then read
 * without parsing, re-serialising or hashing. A finalized answer never changes (finality is irreversible, and
 * one height has at most one finalized hash), so it is kept forever in KV (`ans/…`, ETag in the key's
 * metadata, read with a long edge-cache TTL) and, hot, in isolate memory.
 *
 * The memory is keyed by the KV binding object (stable for an isolate's life in workerd), so separate
 * namespaces — separate test worlds — never see each other's answers.
 */
import { type AnswerId, answerKey } from "./keys.ts";
import { createMemoryLru, type MemoryLru } from "./memory-lru.ts";

export type FinalizedAnswer = { readonly body: string; readonly etag: string };

/** KV's own edge cache may keep an immutable answer this long (seconds). */
const KV_EDGE_CACHE_TTL_SECONDS = 86_400;
const MEMORY = { maxEntries: 20_000, maxBytes: 24 * 1024 * 1024 };

const memories = new WeakMap<object, MemoryLru<FinalizedAnswer>>();

function memoryOf(kv: KVNamespace): MemoryLru<FinalizedAnswer> {
  let memory = memories.get(kv);
  if (memory === undefined) {
    memory = createMemoryLru<FinalizedAnswer>({
      ...MEMORY,
      sizeOf: (answer) => 2 * (answer.body.length + answer.etag.length) + 64,
    });
    memories.set(kv, memory);
  }
  return memory;
}

/** The answer in isolate memory, without any I/O (`undefined` when not there). */
export function getFinalizedAnswerFromMemory(
  kv: KVNamespace,
  chain: string,
  id: AnswerId,
): FinalizedAnswer | undefined {
  return memoryOf(kv).get(answerKey(chain, id));
}

/** The stored answer (memory, then KV), or `null`. A KV failure is a miss: the caller computes the answer. */
export async function getFinalizedAnswer(
  kv: KVNamespace,
  chain: string,
  id: AnswerId,
): Promise<FinalizedAnswer | null> {
  const key = answerKey(chain, id);
  const memory = memoryOf(kv);
  const hit = memory.get(key);
  if (hit) return hit;
  let stored: { value: string | null; metadata: { etag?: unknown } | null };
  try {
    stored = await kv.getWithMetadata<{ etag?: unknown }>(key, {
      type: "text",
      cacheTtl: KV_EDGE_CACHE_TTL_SECONDS,
    });
  } catch (error) {
    console.warn(`cache: reading ${key} failed`, error);
    return null;
  }
  const etag = stored.metadata?.etag;
  if (stored.value === null || typeof etag !== "string") return null;
  const answer = { body: stored.value, etag };
  memory.set(key, answer);
  return answer;
}

/**
 * Keeps `answer` under every id given (e.g. the block's height and hash): in memory at once, in KV for good.
 * Writes are best effort (a failed put only costs a later recomputation).
 */
export async function putFinalizedAnswer(
  kv: KVNamespace,
  chain: string,
  ids: readonly AnswerId[],
  answer: FinalizedAnswer,
): Promise<void> {
  const memory = memoryOf(kv);
  await Promise.all(
    ids.map(async (id) => {
      const key = answerKey(chain, id);
      memory.set(key, answer);
      try {
        await kv.put(key, answer.body, { metadata: { etag: answer.etag } });
      } catch (error) {
        console.warn(`cache: writing ${key} failed`, error);
      }
    }),
  );
}
