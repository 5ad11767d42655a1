/**
 * @module One `finality-edge-gadget` process per chain in the local stack: the op-node finality-gadget interface
 * (gRPC h2c + HTTP) for that chain, answered from the Worker. Each runs in its own process group, is stopped by
 * pid (SIGTERM, then SIGKILL to its group), and reports its addresses on one stdout line.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { freePort, trackChild } from "../processes.ts";

export type GadgetAdapterInfo = { chain: string; grpc: string; http: string };

export type GadgetAdapters = { adapters: GadgetAdapterInfo[]; stop(): Promise<void> };

const BIN = resolve("gadget/bin.mjs");
const READY = /^gadget (\S+) grpc (\S+) http (\S+)$/m;

export async function startGadgetAdapters(options: {
  edgeUrl: string;
  chains: ReadonlyArray<{ id: string; l2RpcUrl: string }>;
  /** The first chain's ports (0: free ports); the next chain uses +1. */
  grpcPort: number;
  httpPort: number;
  log: (chain: string) => (chunk: string) => void;
}): Promise<GadgetAdapters> {
  const children: ChildProcess[] = [];
  const stop = () =>
    Promise.all(
      children.map(
        (child) =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            const timer = setTimeout(() => {
              try {
                process.kill(-(child.pid as number), "SIGKILL");
              } catch {
                // Gone.
              }
            }, 10_000);
            child.once("exit", () => {
              clearTimeout(timer);
              done();
            });
            child.kill("SIGTERM");
          }),
      ),
    ).then(() => undefined);
  try {
    const adapters: GadgetAdapterInfo[] = [];
    for (const [i, chain] of options.chains.entries()) {
      const grpc = options.grpcPort === 0 ? await freePort() : options.grpcPort + i;
      const http = options.httpPort === 0 ? await freePort() : options.httpPort + i;
      const child = spawn(
        process.execPath,
        [
          BIN,
          "--edge",
          options.edgeUrl,
          "--chain",
          chain.id,
          "--grpc",
          `127.0.0.1:${grpc}`,
          "--http",
          `127.0.0.1:${http}`,
          "--l2-rpc",
          chain.l2RpcUrl,
        ],
        { stdio: ["ignore", "pipe", "pipe"], detached: true },
      );
      trackChild(child, { group: true });
      children.push(child);
      const log = options.log(chain.id);
      child.stderr?.on("data", (c: Buffer) => log(c.toString()));
      adapters.push(
        await new Promise<GadgetAdapterInfo>((ready, fail) => {
          let out = "";
          const timer = setTimeout(
            () => fail(new Error(`gadget adapter for ${chain.id}: not ready after 60 s\n${out}`)),
            60_000,
          );
          child.stdout?.on("data", (c: Buffer) => {
            out += c.toString();
            log(c.toString());
            const match = READY.exec(out);
            if (match) {
              clearTimeout(timer);
              ready({ chain: chain.id, grpc: match[2] as string, http: match[3] as string });
            }
          });
          child.once("exit", (code) => {
            clearTimeout(timer);
            fail(new Error(`gadget adapter for ${chain.id} exited with ${code}\n${out}`));
          });
        }),
      );
    }
    return { adapters, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
