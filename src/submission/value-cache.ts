/**
 * @module A small per-isolate cache of upstream answers, each kept for a fixed time.
 *
 * It holds settled plain values only, never a pending promise: in workerd a request must not wait on I/O that
 * another request started (when that request ends, its subrequests are cancelled and every other waiter hangs).
 * So a caller that finds no fresh value loads it itself, with its own I/O; concurrent callers may each load
 * once, and the last answer stored wins.
 */

export type ValueCache = {
  /**
   * The value cached under `key` if younger than the TTL, else `load()`'s (then stored; a failure is not).
   * A cached value for which `recheck` is true is loaded again unless it is younger than `recheckAfterMs`:
   * callers use it so that an answer which would refuse a message is always fresh, while a burst of refusals
   * (say, junk naming unknown keys) costs at most one reload per `recheckAfterMs` and caller in flight.
   */
  get<T>(key: string, load: () => Promise<T>, recheck?: (value: T) => boolean): Promise<T>;
};

export type ValueCacheOptions = {
  ttlMs: number;
  /** A value a recheck would reload is trusted this long after it was read (default 1000 ms). */
  recheckAfterMs?: number;
  /** At most this many keys; the oldest go first (default 1000). */
  maxEntries?: number;
  now?: () => number;
};

export function createValueCache(options: ValueCacheOptions): ValueCache {
  const { ttlMs, recheckAfterMs = 1_000, maxEntries = 1_000, now = Date.now } = options;
  // Map order is insertion order: re-inserting on every store keeps the oldest first.
  const entries = new Map<string, { at: number; value: unknown }>();

  function store(key: string, value: unknown): void {
    entries.delete(key);
    if (entries.size >= maxEntries) {
      const t = now();
      for (const [k, e] of entries) if (t - e.at >= ttlMs) entries.delete(k);
      const oldest = entries.keys().next();
      if (entries.size >= maxEntries && !oldest.done) entries.delete(oldest.value);
    }
    entries.set(key, { at: now(), value });
  }

  return {
    async get<T>(key: string, load: () => Promise<T>, recheck?: (value: T) => boolean): Promise<T> {
      const entry = entries.get(key);
      if (entry !== undefined) {
        const age = now() - entry.at;
        const value = entry.value as T;
        if (age < ttlMs && (recheck === undefined || age < recheckAfterMs || !recheck(value))) return value;
      }
      const value = await load();
      store(key, value);
      return value;
    },
  };
}
