/**
 * @module The transport's other half: opening a long-lived GET (the edge's event stream) with the client's
 * `fetch` and headers. Unlike `request` it has no per-try timeout (the stream's watchdog decides when a quiet
 * connection is dead), no retries (the stream reconnects by its own rules) and leaves the body unread.
 */
import { AbortedError, NetworkError } from "../errors/index.ts";
import type { FetchFn } from "./create-transport.ts";

export type OpenStreamInit = {
  /** Query parameters; undefined values are left out. */
  query?: Record<string, string | undefined> | undefined;
  /** Extra request headers (`last-event-id`). */
  headers?: Record<string, string> | undefined;
  signal: AbortSignal;
};

export type OpenStream = (path: string, init: OpenStreamInit) => Promise<Response>;

/** `path` is already filled in (`/v1/chains/my-rollup/events`); `base` has no trailing slash. */
export function createStreamOpener(
  base: string,
  fetchFn: FetchFn,
  clientHeaders: Record<string, string> | undefined,
): OpenStream {
  return async (path, init) => {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(init.query ?? {}))
      if (value !== undefined) search.set(key, value);
    const query = search.toString();
    const url = `${base}${path}${query ? `?${query}` : ""}`;
    const meta = [`Request: GET ${url}`];
    // The client's headers first, so they cannot turn the stream into a cached or JSON request.
    const headers = {
      ...clientHeaders,
      accept: "text/event-stream",
      "cache-control": "no-store",
      ...init.headers,
    };
    if (init.signal.aborted) throw new AbortedError("The event stream", { cause: init.signal.reason });
    try {
      return await fetchFn(url, { method: "GET", headers, signal: init.signal });
    } catch (error) {
      if (init.signal.aborted)
        throw new AbortedError("The event stream", { cause: init.signal.reason, metaMessages: meta });
      throw new NetworkError({ cause: error, details: (error as Error)?.message, metaMessages: meta });
    }
  };
}
