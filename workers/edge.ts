/**
 * @module Worker entry: wires the runtime's handlers to the library. Kept thin on purpose;
 * behaviour lives in `src/`.
 */
import { createApp } from "../src/api/app.ts";
import { advanceFinalizedTips, requeueStaleSubmissions } from "../src/api/scheduled.ts";
import { consumeSubmissions } from "../src/submission/consume.ts";
import { edgeConsumerDeps } from "../src/submission/consumer-deps.ts";
import type { QueuedSubmission } from "../src/submission/types.ts";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    // Moves each chain's finalized tip forward (bounded work per run), and re-sends submissions a queue lost.
    ctx.waitUntil(advanceFinalizedTips(env));
    ctx.waitUntil(requeueStaleSubmissions(env));
  },
  async queue(batch, env) {
    // Verified submissions → batched Babylon transactions (one consumer at a time, see wrangler.toml).
    await consumeSubmissions(batch as MessageBatch<QueuedSubmission>, env, edgeConsumerDeps);
  },
} satisfies ExportedHandler<Env>;
