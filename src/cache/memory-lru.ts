/**
 * @module A per-isolate least-recently-used map of plain values, bounded by entries and by a byte budget.
 * Workers keep an isolate alive across many requests; immutable answers kept here cost no I/O at all. It holds
 * settled plain values only (strings and records of them), never promises, streams or clients.
 */

export type MemoryLru<V> = {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  delete(key: string): void;
  readonly size: number;
  readonly bytes: number;
};

export type MemoryLruOptions<V> = {
  maxEntries: number;
  maxBytes: number;
  /** The value's approximate size in bytes (strings count two bytes a character in V8's worst case). */
  sizeOf(value: V): number;
};

export function createMemoryLru<V>(options: MemoryLruOptions<V>): MemoryLru<V> {
  const { maxEntries, maxBytes, sizeOf } = options;
  // Map order is insertion order: a hit re-inserts, so the first key is always the least recently used.
  const entries = new Map<string, { value: V; bytes: number }>();
  let bytes = 0;

  function remove(key: string): void {
    const entry = entries.get(key);
    if (entry === undefined) return;
    entries.delete(key);
    bytes -= entry.bytes;
  }

  return {
    get(key) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      entries.delete(key);
      entries.set(key, entry);
      return entry.value;
    },
    set(key, value) {
      remove(key);
      const size = sizeOf(value) + key.length * 2;
      if (size > maxBytes) return;
      while (entries.size >= maxEntries || bytes + size > maxBytes) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        remove(oldest.value);
      }
      entries.set(key, { value, bytes: size });
      bytes += size;
    },
    delete: remove,
    get size() {
      return entries.size;
    },
    get bytes() {
      return bytes;
    },
  };
}
