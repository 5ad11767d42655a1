/**
 * @module `wrangler dev --local` as a child process for benchmarks and end-to-end runs: its own process group
 * (wrangler starts workerd as a grandchild), ready when a probe path answers, stopped by group id.
 */
import { type ChildProcess, spawn } from "node:child_process";

export type WranglerDev = { url: string; child: ChildProcess; output(): string; stop(): Promise<void> };

export type WranglerDevOptions = {
  port: number;
  /** `--persist-to` directory (local KV and queue state). */
  persistTo: string;
  /** Another wrangler config than ./wrangler.toml. */
  config?: string;
  /** `--var NAME:value` overrides. */
  vars?: Record<string, string>;
  /** A path that answers 2xx once the Worker is up (default `/healthz`). */
  readyPath?: string;
  readyTimeoutMs?: number;
  /** `--env-file`: secrets for local development (e.g. `RELAYER_MNEMONIC`). */
  envFile?: string;
  /** Serve `/__scheduled`, so a supervisor can fire the cron trigger on its own period. */
  testScheduled?: boolean;
  /** Receives wrangler's output (default: kept in memory for error messages only). */
  log?: (chunk: string) => void;
};

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    killGroup(child, "SIGTERM");
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  }
  // Whatever wrangler left in its group (workerd) goes with it.
  killGroup(child, "SIGKILL");
}

export async function startWranglerDev(options: WranglerDevOptions): Promise<WranglerDev> {
  const args = ["wrangler", "dev", "--local", "--ip", "127.0.0.1", "--port", String(options.port)];
  args.push("--persist-to", options.persistTo, "--show-interactive-dev-session=false", "--log-level", "warn");
  if (options.config) args.push("--config", options.config);
  if (options.testScheduled) args.push("--test-scheduled");
  if (options.envFile) args.push("--env-file", options.envFile);
  for (const [name, value] of Object.entries(options.vars ?? {})) args.push("--var", `${name}:${value}`);
  const child = spawn("npx", args, {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
  });
  let output = "";
  const take = (c: Buffer) => {
    const text = c.toString();
    // Only the start is kept in memory (for a failed start's message); the rest goes to `log`.
    if (output.length < 64_000) output += text;
    options.log?.(text);
  };
  child.stdout?.on("data", take);
  child.stderr?.on("data", take);
  const url = `http://127.0.0.1:${options.port}`;
  const dev: WranglerDev = { url, child, output: () => output, stop: () => stopGroup(child) };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 45_000);
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}\n${output}`);
      try {
        if ((await fetch(`${url}${options.readyPath ?? "/healthz"}`)).ok) return dev;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) throw new Error(`wrangler dev not ready in time\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } catch (error) {
    await dev.stop();
    throw error;
  }
}
