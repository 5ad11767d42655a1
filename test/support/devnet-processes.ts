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

/** The Babylon emulator with the default devnet genesis; resolves with its RPC URL and the contract address. */
export async function startBabylonEmulator(
  env: Record<string, string> = {},
): Promise<Running & { contractAddress: string; bsnId: string; chainId: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["scripts/run-ts.mjs", "devnet/babylon/main.ts"], {
    env: { ...process.env, ...env, BABYLON_RPC_PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stop = stopper(child);
  try {
    const match = await waitForLine(
      child,
      /babylon devnet ready: chain-id=(\S+) rpc=(\S+) .*contracts: ([a-z0-9-]+)=(bbn1[a-z0-9]+)/,
      "babylon emulator",
      60_000,
    );
    return {
      chainId: match[1] as string,
      url: match[2] as string,
      bsnId: match[3] as string,
      contractAddress: match[4] as string,
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

/** anvil (npm `@foundry-rs/anvil-linux-amd64`) on a free port, with `blocks` blocks mined. */
export async function startAnvil(blocks = 5): Promise<Running> {
  const port = await freePort();
  const child = spawn(ANVIL_BINARY, ["--port", String(port), "--host", "127.0.0.1"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stop = stopper(child);
  try {
    await waitForLine(child, /Listening on/, "anvil", 30_000);
    const url = `http://127.0.0.1:${port}`;
    await mineBlocks(url, blocks);
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
