/**
 * @module How long to wait before reconnecting the event stream: exponential back-off with jitter, so a fleet of
 * clients that lost the edge together does not come back in step, capped (30 s by default) so a client returns
 * soon after the edge does, and never sooner than the server's `retry:` or `Retry-After` asked.
 */

export type ReconnectDelayOptions = {
  /** The first wait (default 1000 ms); a `retry:` from the server replaces it. */
  initialMs: number;
  /** The longest wait the back-off grows to (default 30 000 ms). */
  maxMs: number;
  /** The server's `retry:` field (the reconnection time it asks for), if any. */
  retryMs?: number | undefined;
  /** The answer's `Retry-After` in milliseconds (429/503), if any; capped at `maxMs`. */
  retryAfterMs?: number | undefined;
  random?: (() => number) | undefined;
};

/** The wait after `failures` consecutive failed attempts (0: a working stream just ended). */
export function reconnectDelay(failures: number, options: ReconnectDelayOptions): number {
  const retryMs = options.retryMs ?? 0;
  const base = options.retryMs ?? options.initialMs;
  // A `retry:` above the cap is the server's explicit wish: it raises the cap rather than being cut.
  const cap = Math.max(options.maxMs, retryMs);
  const ceiling = Math.min(cap, base * 2 ** Math.min(failures, 30));
  // "Equal jitter": at least half the ceiling, so the back-off still grows; the rest random.
  const jittered = ceiling / 2 + (options.random ?? Math.random)() * (ceiling / 2);
  return Math.max(jittered, retryMs, Math.min(options.retryAfterMs ?? 0, cap));
}
