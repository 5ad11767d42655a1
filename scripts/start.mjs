#!/usr/bin/env node
// `npm start [-- options]`: the whole local stack (devnet/stack/main.ts) — see `npm start -- --help`.
// The stack runs in the child; it starts each component in its own process (group) and stops exactly those.
import { spawn, spawnSync } from "node:child_process";
import { constants } from "node:os";

// Signals are handled from the first line: this process never ends before its child, which does the stopping.
// Each is passed on (Ctrl-C reaches the child directly too, as it shares the foreground group; a second copy is
// harmless), so `kill <pid>` of this process alone stops the stack as well.
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"];
let child;
for (const signal of SIGNALS) process.on(signal, () => child?.kill(signal));

// The dashboard the Worker serves at / is rebuilt from its sources first (a fraction of a second).
const built = spawnSync(process.execPath, ["scripts/dashboard-build.mjs"], { stdio: "inherit" });
if (built.status !== 0) {
  console.error("npm start: building the dashboard failed (node scripts/dashboard-build.mjs)");
  process.exit(1);
}

child = spawn(process.execPath, ["scripts/run-ts.mjs", "devnet/stack/main.ts", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
});
child.on("error", (error) => {
  console.error(`npm start: ${error.message}`);
  process.exit(1);
});
child.on("exit", (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
