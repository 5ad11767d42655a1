/**
 * @module Runs `wrk` (Debian: `apt-get install wrk`) against a loopback URL and reads its summary. wrk is a
 * separate C process, so the load generator costs the measured server little CPU.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type WrkResult = {
  requestsPerSecond: number;
  requests: number;
  non2xx: number;
  p50Ms: number;
  p99Ms: number;
};

export const haveWrk = (): boolean => spawnSync("wrk", ["--version"]).error === undefined;

/** `9.20ms`, `1.02s`, `850.00us` → milliseconds. */
function toMs(value: string): number {
  const match = /^([\d.]+)(us|ms|s)$/.exec(value.trim());
  if (!match) return Number.NaN;
  const n = Number(match[1]);
  return match[2] === "us" ? n / 1000 : match[2] === "s" ? n * 1000 : n;
}

/** Parses wrk's text summary (with `--latency`). */
export function parseWrk(output: string): WrkResult {
  const number = (re: RegExp) => Number(re.exec(output)?.[1] ?? Number.NaN);
  return {
    requestsPerSecond: number(/Requests\/sec:\s+([\d.]+)/),
    requests: number(/(\d+) requests in/),
    non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(output)?.[1] ?? 0),
    p50Ms: toMs(/\n\s+50%\s+(\S+)/.exec(output)?.[1] ?? ""),
    p99Ms: toMs(/\n\s+99%\s+(\S+)/.exec(output)?.[1] ?? ""),
  };
}

export type WrkOptions = {
  connections: number;
  seconds: number;
  /** Paths to cycle through (each connection walks the list); the URL's own path when absent. */
  paths?: readonly string[];
};

/** One wrk run on one thread; resolves with its summary (it stops by itself after `seconds`). */
export async function runWrk(url: string, options: WrkOptions): Promise<WrkResult> {
  const dir = mkdtempSync(join(tmpdir(), "finality-edge-wrk-"));
  const args = ["-t1", `-c${options.connections}`, `-d${options.seconds}s`, "--latency"];
  if (options.paths && options.paths.length > 0) {
    const script = join(dir, "paths.lua");
    const list = options.paths.map((p) => JSON.stringify(p)).join(", ");
    writeFileSync(
      script,
      `local paths = { ${list} }\nlocal i = 0\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format("GET", paths[i])\nend\n`,
    );
    args.push("-s", script);
  }
  args.push(url);
  try {
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn("wrk", args, { stdio: ["ignore", "pipe", "pipe"] });
      let text = "";
      child.stdout.on("data", (c: Buffer) => {
        text += c.toString();
      });
      child.stderr.on("data", (c: Buffer) => {
        text += c.toString();
      });
      // wrk ends by itself; this only guards against a wedged process.
      const guard = setTimeout(() => child.kill("SIGKILL"), (options.seconds + 30) * 1000);
      child.on("error", reject);
      child.on("exit", (code) => {
        clearTimeout(guard);
        if (code === 0) resolve(text);
        else reject(new Error(`wrk exited with ${code}: ${text}`));
      });
    });
    return parseWrk(output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
