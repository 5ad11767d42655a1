#!/usr/bin/env node
// `finality-edge-fp`: fp-daemon/main.ts, bundled once per version of its sources and run in this process.
import { runBundled } from "../scripts/run-bundled.mjs";

await runBundled({
  name: "finality-edge-fp",
  entry: "fp-daemon/main.ts",
  sources: ["fp-daemon", "src", "sdk/src", "generated"],
});
