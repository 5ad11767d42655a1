/**
 * @module `wrangler dev --local` as a child process for benchmarks and end-to-end runs: its own process group
 * (wrangler starts workerd as a grandchild), stopped by group id. Its port must be free before it starts; it is
 * ready when a probe path answers 2xx while the child still runs and (on Linux) the listener on the port is one of
 * its own processes, so a stranger that answers there is never taken for it. An `AbortSignal` stops it at once
 * during start-up; a group still running when this process exits is killed from an `exit` hook.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { checkPortsFree, portServedBy, StartAbortedError, trackChild } from "./processes.ts";

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
  /** Aborts the start-up: the group is stopped at once and the start rejects with a `StartAbortedError`. */
  signal?: AbortSignal;
  /**
   * Apply the D1 migrations (`migrations/`, the vote history) to the local database first. Default: yes for
   * ./wrangler.toml, no for another config.
   */
  migrations?: boolean;
};

/** `wrangler d1 migrations apply --local`: the local D1 under `persistTo` gets the schema before the Worker starts. */
async function applyMigrations(options: WranglerDevOptions): Promise<void> {
  const args = [
    "wrangler",
    "d1",
    "migrations",
    "apply",
    "HISTORY_DB",
    "--local",
    "--persist-to",
    options.persistTo,
  ];
  if (options.config) args.push("--config", options.config);
  const child = spawn("npx", args, {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "true" },
  });
  trackChild(child, { group: true });
  let output = "";
  const take = (c: Buffer) => {
    if (output.length < 16_000) output += c.toString();
  };
  child.stdout?.on("data", take);
  child.stderr?.on("data", take);
  const timer = setTimeout(() => killGroup(child, "SIGKILL"), 60_000);
  const code = await new Promise<number | null>((resolve) => {
    child.on("error", () => resolve(-1));
    child.on("exit", (exitCode) => resolve(exitCode));
  });
  clearTimeout(timer);
  options.log?.(output);
  if (code !== 0)
    throw new Error(`wrangler d1 migrations apply exited with ${code}:\n${output.slice(-2_000)}`);
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

async function stopGroup(child: ChildProcess): Promise<void> {
  // Never spawned (e.g. no npx): there is nothing to stop.
  if (child.pid === undefined) return;
  if (running(child)) {
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    killGroup(child, "SIGTERM");
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  }
  // Whatever wrangler left in its group (workerd) goes with it.
  killGroup(child, "SIGKILL");
}

/** Sleeps `ms`, or less when `signal` aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

export type ReadyCheck = {
  child: ChildProcess;
  port: number;
  /** The URL that answers 2xx once the server is up. */
  probeUrl: string;
  deadline: number;
  signal?: AbortSignal;
  what: string;
  output?: () => string;
};

/**
 * Resolves once `probeUrl` answers 2xx from `child`'s own server: the child must still run after the answer, and
 * where /proc tells (Linux) the listener on `port` must be `child`, a descendant or a member of its group. Rejects
 * when the child exits, another process serves the port, the deadline passes, or `signal` aborts.
 */
export async function waitUntilServing(check: ReadyCheck): Promise<void> {
  const { child, signal, what } = check;
  const tail = () => (check.output ? `\n${check.output()}` : "");
  for (;;) {
    if (signal?.aborted) throw new StartAbortedError(what);
    if (!running(child))
      throw new Error(`${what} exited with ${child.exitCode ?? child.signalCode}${tail()}`);
    let ok = false;
    try {
      const probe = AbortSignal.timeout(2_000);
      const response = await fetch(check.probeUrl, {
        signal: signal ? AbortSignal.any([signal, probe]) : probe,
      });
      await response.body?.cancel();
      ok = response.ok;
    } catch {
      // Not listening yet (or aborted: seen at the top of the loop).
    }
    if (ok) {
      if (!running(child))
        throw new Error(`${what} exited with ${child.exitCode ?? child.signalCode}${tail()}`);
      const ours = child.pid === undefined ? undefined : portServedBy(check.port, child.pid);
      if (ours === false)
        throw new Error(
          `port ${check.port} answers, but not from the ${what} started here (pid ${child.pid}): another process ` +
            "listens there — stop it or choose another port",
        );
      return;
    }
    if (Date.now() > check.deadline) throw new Error(`${what} not ready in time${tail()}`);
    await pause(200, signal);
  }
}

export async function startWranglerDev(options: WranglerDevOptions): Promise<WranglerDev> {
  const what = "wrangler dev";
  if (options.signal?.aborted) throw new StartAbortedError(what);
  // Whatever answers on a port that was taken before is not ours.
  await checkPortsFree([{ port: options.port, component: "Worker (wrangler dev)" }]);
  if (options.signal?.aborted) throw new StartAbortedError(what);
  if (options.migrations ?? !options.config) await applyMigrations(options);
  if (options.signal?.aborted) throw new StartAbortedError(what);
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
  // Registered before anything can go wrong: its group gets no signal from a terminal, only from here.
  trackChild(child, { group: true });
  let spawnError: Error | undefined;
  child.on("error", (error) => {
    spawnError = error;
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
  try {
    await waitUntilServing({
      child,
      port: options.port,
      probeUrl: `${url}${options.readyPath ?? "/healthz"}`,
      deadline: Date.now() + (options.readyTimeoutMs ?? 45_000),
      what,
      output: () => (spawnError ? `${spawnError.message}\n${output}` : output),
      signal: options.signal,
    });
    return dev;
  } catch (error) {
    await dev.stop();
    throw error;
  }
}
