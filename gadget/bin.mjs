#!/usr/bin/env node
// `finality-edge-gadget`: gadget/main.ts, bundled once per version of its sources and run in this process.
import { runBundled } from "../scripts/run-bundled.mjs";

await runBundled({
  name: "finality-edge-gadget",
  entry: "gadget/main.ts",
  sources: ["gadget", "src", "sdk/src", "generated", "proto"],
});
