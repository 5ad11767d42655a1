/** @module Work a response need not wait for: the runtime keeps it alive after the response (`waitUntil`). */
import type { Context } from "hono";

/** Runs `task` past the response where the runtime allows it; elsewhere (in-process tests) it just runs. */
export function runInBackground(c: Context, task: Promise<unknown>): void {
  const settled = task.catch((error: unknown) => console.warn("background task failed", error));
  try {
    c.executionCtx.waitUntil(settled);
  } catch {
    // No execution context: nothing would cancel the task anyway.
  }
}
