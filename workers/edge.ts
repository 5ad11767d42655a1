/**
 * @module Worker entry: wires the runtime's handlers to the library. Kept thin on purpose;
 * behaviour lives in `src/`.
 */
import { createApp } from "../src/api/app.ts";
import { advanceFinalizedTips } from "../src/api/scheduled.ts";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    // Moves each chain's finalized tip forward (bounded work per run).
    ctx.waitUntil(advanceFinalizedTips(env));
  },
  async queue(batch, _env) {
    // Submission batching arrives with the provider submission API; until then nothing is produced.
    batch.retryAll();
  },
} satisfies ExportedHandler<Env>;
