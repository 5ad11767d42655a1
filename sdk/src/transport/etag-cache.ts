/**
 * @module The last answer per URL with its ETag, for conditional GETs (`If-None-Match` → 304 reuses the body).
 * Plain values only (a string and parsed JSON), never promises or streams: a client kept across Worker requests
 * must not hold another request's I/O (workerd cancels it when that request ends).
 */

export type EtagEntry = { readonly etag: string; readonly body: unknown };

export type EtagCache = {
  get(url: string): EtagEntry | undefined;
  set(url: string, entry: EtagEntry): void;
};

/** At most `capacity` URLs, least recently used dropped first (a watcher asks for a new URL per block). */
export function createEtagCache(capacity = 256): EtagCache {
  const entries = new Map<string, EtagEntry>();
  return {
    get(url) {
      const entry = entries.get(url);
      if (entry === undefined) return undefined;
      entries.delete(url);
      entries.set(url, entry);
      return entry;
    },
    set(url, entry) {
      entries.delete(url);
      entries.set(url, entry);
      while (entries.size > capacity) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
    },
  };
}
