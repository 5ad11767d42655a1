/**
 * @module Worker entry: wires the runtime's handlers to the library. Kept thin on purpose;
 * behaviour lives in `src/`.
 */
import secp256k1Wasm from "../node_modules/tiny-secp256k1/lib/secp256k1.wasm";
import { createApp } from "../src/api/app.ts";
import { tickCoordinators } from "../src/api/scheduled.ts";
import { installWasmSchnorrEngine } from "../src/crypto/index.ts";
import { consumeSubmissions } from "../src/submission/consume.ts";
import { edgeConsumerDeps } from "../src/submission/consumer-deps.ts";
import type { QueuedSubmission } from "../src/submission/types.ts";

// Module-scope compute, no I/O: libsecp256k1 (WebAssembly) verifies signatures; noble if it cannot load.
installWasmSchnorrEngine(secp256k1Wasm);
const app = createApp();

export { ChainCoordinator } from "./chain-coordinator.ts";

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    // A safety net: every chain's coordinator runs (its alarm moves the tip and re-sends what a queue lost).
    ctx.waitUntil(tickCoordinators(env));
  },
  async queue(batch, env) {
    // Verified submissions → batched Babylon transactions (one consumer at a time, see wrangler.toml).
    await consumeSubmissions(batch as MessageBatch<QueuedSubmission>, env, edgeConsumerDeps);
  },
} satisfies ExportedHandler<Env>;
