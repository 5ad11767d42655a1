#!/usr/bin/env node
// `npm start`: the local stack. Today that is the Worker under `wrangler dev` on loopback with local
// KV and Queues; the Babylon chain emulator, anvil and the provider fleet join it as they land.
import { spawn } from "node:child_process";

const port = process.env.EDGE_PORT ?? "8787";
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };

const wrangler = spawn("npx", ["wrangler", "dev", "--local", "--ip", "127.0.0.1", "--port", port], {
  env,
  stdio: ["ignore", "pipe", "inherit"],
  detached: true, // own process group, so we can stop exactly what we started
});

let announced = false;
wrangler.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  if (!announced && /Ready on/.test(String(chunk))) {
    announced = true;
    console.log(`\nFinality Edge is up: http://127.0.0.1:${port}/healthz  (Ctrl-C stops it)`);
  }
});

function stop(signal) {
  if (wrangler.exitCode === null && wrangler.pid) {
    try {
      process.kill(-wrangler.pid, signal); // the group we created, never by name
    } catch {}
  }
}
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => stop("SIGTERM"));
wrangler.on("exit", (code) => process.exit(code ?? 0));
