/** @module A small in-memory cache of upstream answers, per isolate, each kept for a fixed time. */

export type TtlCache = {
  /**
   * The answer cached under `key` if younger than the TTL, else `load()`'s (shared by concurrent callers;
   * a failure is not cached). A cached answer for which `recheck` is true is loaded again once: callers use
   * it so that an answer which would refuse a message is always fresh.
   */
  get<T>(key: string, load: () => Promise<T>, recheck?: (value: T) => boolean): Promise<T>;
};

/** Entries beyond this are swept of expired ones (keys are per FP, bounded by the allowlist in practice). */
const SWEEP_ABOVE = 1_000;

export function createTtlCache(ttlMs: number, now: () => number = Date.now): TtlCache {
  const entries = new Map<string, { at: number; value: Promise<unknown> }>();

  function load<T>(key: string, run: () => Promise<T>): Promise<T> {
    if (entries.size >= SWEEP_ABOVE) {
      for (const [k, e] of entries) if (now() - e.at >= ttlMs) entries.delete(k);
    }
    const entry = { at: now(), value: run() };
    entries.set(key, entry);
    entry.value.catch(() => {
      if (entries.get(key) === entry) entries.delete(key);
    });
    return entry.value;
  }

  return {
    async get<T>(key: string, run: () => Promise<T>, recheck?: (value: T) => boolean): Promise<T> {
      const entry = entries.get(key);
      if (entry === undefined || now() - entry.at >= ttlMs) return load(key, run);
      const value = (await entry.value) as T;
      if (recheck === undefined || !recheck(value)) return value;
      // Someone may have reloaded meanwhile; that answer is as fresh as ours would be.
      const current = entries.get(key);
      if (current !== undefined && current !== entry) return current.value as Promise<T>;
      return load(key, run);
    },
  };
}
