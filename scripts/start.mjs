#!/usr/bin/env node
// `npm start [-- options]`: the whole local stack (devnet/stack/main.ts) — see `npm start -- --help`.
// The stack runs in this process; it starts each component in its own process (group) and stops exactly those.
import { spawn } from "node:child_process";

const child = spawn(
  process.execPath,
  ["scripts/run-ts.mjs", "devnet/stack/main.ts", ...process.argv.slice(2)],
  {
    stdio: "inherit",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
  },
);
// Ctrl-C reaches the child too (same foreground group); SIGTERM is passed on.
process.on("SIGINT", () => {});
process.on("SIGTERM", () => child.kill("SIGTERM"));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
