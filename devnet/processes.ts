/**
 * @module Starts the real Babylon emulator (`devnet/babylon/main.ts`) and an anvil L2 on free loopback ports for
 * tests and benchmarks, and stops them by pid.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";

export type Running = { url: string; stop(): Promise<void> };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill("SIGTERM");
    });
}

/** Waits for a line matching `pattern` on the child's stdout (or fails on exit / timeout). */
function waitForLine(child: ChildProcess, pattern: RegExp, what: string, timeoutMs: number) {
  return new Promise<RegExpExecArray>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(
      () => reject(new Error(`${what}: not ready after ${timeoutMs} ms\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        child.stdout?.resume();
        resolve(match);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}\n${output}`));
    });
  });
}

export type ProcessOptions = {
  /** Listen here (default: a free port). */
  port?: number;
  /** Receives the process's output after it is ready (default: dropped). */
  log?: (chunk: string) => void;
};

function forward(child: ChildProcess, log: ((chunk: string) => void) | undefined): void {
  if (!log) return;
  child.stdout?.on("data", (c: Buffer) => log(c.toString()));
  child.stderr?.on("data", (c: Buffer) => log(c.toString()));
}

export type EmulatorContract = { bsnId: string; address: string };

/**
 * The Babylon emulator (default genesis unless `BABYLON_GENESIS` is in `env`); resolves with its RPC URL and its
 * finality contracts (the first one also as `contractAddress` / `bsnId`).
 */
export async function startBabylonEmulator(
  env: Record<string, string> = {},
  options: ProcessOptions = {},
): Promise<
  Running & { contractAddress: string; bsnId: string; chainId: string; contracts: EmulatorContract[] }
> {
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, ["scripts/run-ts.mjs", "devnet/babylon/main.ts"], {
    env: { ...process.env, ...env, BABYLON_RPC_PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stop = stopper(child);
  try {
    const match = await waitForLine(
      child,
      /babylon devnet ready: chain-id=(\S+) rpc=(\S+) .*contracts: ((?:[a-z0-9-]+=bbn1[a-z0-9]+ ?)+)/,
      "babylon emulator",
      60_000,
    );
    forward(child, options.log);
    const contracts = (match[3] as string)
      .trim()
      .split(" ")
      .map((pair) => {
        const [bsnId, address] = pair.split("=");
        return { bsnId: bsnId as string, address: address as string };
      });
    const first = contracts[0] as EmulatorContract;
    return {
      chainId: match[1] as string,
      url: match[2] as string,
      bsnId: first.bsnId,
      contractAddress: first.address,
      contracts,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The anvil binary from the optional npm platform package (only the linux-x64 one is wired up). */
export const ANVIL_BINARY = "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil";
export const haveAnvil = process.platform === "linux" && process.arch === "x64" && existsSync(ANVIL_BINARY);

export type AnvilOptions = ProcessOptions & {
  /** Seconds between blocks (`--block-time`); default: a block per transaction only. */
  blockTime?: number;
  /** Load state from and dump it to this file (`--state`), so a restart resumes. */
  statePath?: string;
  chainId?: number;
};

/** anvil (npm `@foundry-rs/anvil-linux-amd64`) on a free port, with `blocks` blocks mined. */
export async function startAnvil(blocks = 5, options: AnvilOptions = {}): Promise<Running> {
  const port = options.port ?? (await freePort());
  const args = ["--port", String(port), "--host", "127.0.0.1"];
  if (options.blockTime !== undefined) args.push("--block-time", String(options.blockTime));
  // Dumped every 5 s as well as on exit, so even a killed node loses little.
  if (options.statePath) args.push("--state", options.statePath, "--state-interval", "5");
  if (options.chainId !== undefined) args.push("--chain-id", String(options.chainId));
  const child = spawn(ANVIL_BINARY, args, { stdio: ["ignore", "pipe", "pipe"] });
  const stop = stopper(child);
  try {
    await waitForLine(child, /Listening on/, "anvil", 30_000);
    forward(child, options.log);
    const url = `http://127.0.0.1:${port}`;
    if (blocks > 0) await mineBlocks(url, blocks);
    return { url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Mines `blocks` anvil blocks. */
export async function mineBlocks(url: string, blocks: number): Promise<void> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "anvil_mine",
      params: [`0x${blocks.toString(16)}`],
    }),
  });
  if (!response.ok) throw new Error(`anvil_mine: HTTP ${response.status}`);
}
