/**
 * @module Worker entry: wires the runtime's handlers to the library. Kept thin on purpose;
 * behaviour lives in `src/`.
 */
import { createApp } from "../src/api/app.ts";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(_controller, _env, _ctx) {
    // Tip advancement and cache refresh arrive with the finality read API.
  },
  async queue(batch, _env) {
    // Submission batching arrives with the provider submission API; until then nothing is produced.
    batch.retryAll();
  },
} satisfies ExportedHandler<Env>;
