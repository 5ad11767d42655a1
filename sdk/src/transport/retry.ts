/** @module When to try an idempotent request again, and after how long. */
import { isRetryable } from "../errors/index.ts";

export type RetryOptions = {
  /** Tries in all, the first included (default 3; 1 turns retries off). */
  attempts?: number;
  /**
   * Longest wait before a retry (default 10 000 ms). A `Retry-After` longer than this is not waited out: the
   * error is thrown at once (with its `retryAfter`), so no call sleeps longer than this between tries, and none
   * retries earlier than the edge asked.
   */
  maxDelayMs?: number;
  /** First back-off when the edge named no `Retry-After` (default 500 ms), doubled per try. */
  baseDelayMs?: number;
};

export const DEFAULT_RETRY = { attempts: 3, maxDelayMs: 10_000, baseDelayMs: 500 } as const;

/**
 * The delay before try `attempt + 1` after `error` on try `attempt` (1-based), or `undefined` to give up: the
 * error is not retryable, the tries are spent, or the edge asked for longer than `maxDelayMs`.
 */
export function retryDelay(
  error: unknown,
  attempt: number,
  options: Required<RetryOptions>,
): number | undefined {
  if (!isRetryable(error) || attempt >= options.attempts) return undefined;
  const retryAfter = (error as { retryAfter?: number }).retryAfter;
  if (retryAfter !== undefined) {
    const ms = retryAfter * 1000;
    return ms > options.maxDelayMs ? undefined : ms;
  }
  return Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
}

/** `Retry-After` in seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or garbage. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^[0-9]+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}
