/**
 * A server already on a configured port is never taken for the stack's own: `npm start` checks every port before
 * starting anything and fails naming the port and the component; `wrangler dev`'s readiness accepts an answer only
 * from the process it started. The stranger here is a plain node:http server answering 200 on /healthz.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkPortsFree, freePort, PortInUseError, portInUse, portServedBy } from "../../devnet/processes.ts";
import { parseStackOptions, type StackOptions, stackPortChecks } from "../../devnet/stack/options.ts";
import { startWranglerDev, waitUntilServing } from "../../devnet/wrangler-dev.ts";
import { describeProc, haveProc, portIsFree } from "./support/process-tree.ts";
import { cleanUpRuns, launch } from "./support/start-run.ts";

const servers: Server[] = [];
const children: ChildProcess[] = [];

afterEach(async () => {
  cleanUpRuns();
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A stale "Worker": answers 200 on /healthz (and everything else). */
async function stranger(port = 0): Promise<{ port: number; server: Server }> {
  const server = createServer((_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("ok"));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address();
  return { port: typeof address === "object" && address ? address.port : 0, server };
}

/** A child that lives (and listens nowhere) until killed. */
function idleChild(): ChildProcess {
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"], { stdio: "ignore" });
  children.push(child);
  return child;
}

describe("the port check", () => {
  it("portInUse: a listening server is in use; a closed port is free", async () => {
    const { port } = await stranger();
    expect(await portInUse(port)).toBe(true);
    const free = await freePort();
    expect(await portInUse(free)).toBe(false);
  });

  it("checkPortsFree names the port, the component and the flag; port 0 is never checked", async () => {
    const { port } = await stranger();
    const free = await freePort();
    await expect(
      checkPortsFree([
        { port: 0, component: "anything" },
        { port: free, component: "Babylon emulator RPC", flag: "babylon-port" },
        { port, component: "Worker", flag: "edge-port" },
      ]),
    ).rejects.toThrow(new PortInUseError(port, "Worker", "edge-port").message);
    const error = await checkPortsFree([{ port, component: "Worker", flag: "edge-port" }]).catch((e) => e);
    expect(error).toBeInstanceOf(PortInUseError);
    expect(error.message).toBe(
      `port ${port} (Worker) is already in use — stop what listens there or pass --edge-port`,
    );
    await expect(
      checkPortsFree([
        { port: free, component: "x" },
        { port: 0, component: "y" },
      ]),
    ).resolves.toBe(undefined);
  });

  it("checkPortsFree refuses one port given to two components", async () => {
    const free = await freePort();
    await expect(
      checkPortsFree([
        { port: free, component: "anvil of edge-devnet-l2", flag: "l2a-port" },
        { port: free, component: "Worker", flag: "edge-port" },
      ]),
    ).rejects.toThrow(`port ${free} is configured for both anvil of edge-devnet-l2 and Worker`);
  });

  it("the stack's checks cover every configured port with its component and flag", async () => {
    const options = parseStackOptions(
      ["--edge-port", "8787", "--babylon-port", "26657", "--l2a-port", "8545", "--l2b-port", "8546"],
      {},
    ) as StackOptions;
    expect(stackPortChecks(options)).toEqual([
      { port: 8787, component: "Worker", flag: "edge-port" },
      { port: 26657, component: "Babylon emulator RPC", flag: "babylon-port" },
      { port: 8545, component: "anvil of edge-devnet-l2", flag: "l2a-port" },
      { port: 8546, component: "anvil of edge-devnet-l2b", flag: "l2b-port" },
      { port: 50051, component: "gadget gRPC of chain 1", flag: "gadget-grpc-port" },
      { port: 8085, component: "gadget HTTP of chain 1", flag: "gadget-http-port" },
      { port: 50052, component: "gadget gRPC of chain 2", flag: "gadget-grpc-port" },
      { port: 8086, component: "gadget HTTP of chain 2", flag: "gadget-http-port" },
    ]);
  });

  it.runIf(haveProc)("portServedBy tells this process's listener from another process's", async () => {
    const { port } = await stranger();
    expect(portServedBy(port, process.pid)).toBe(true);
    const child = idleChild();
    expect(portServedBy(port, child.pid as number)).toBe(false);
    expect(portServedBy(await freePort(), process.pid)).toBe(undefined);
  });
});

describe("readiness accepts only the process we started", () => {
  it.runIf(haveProc)(
    "a stranger answering /healthz while our child runs is refused, not adopted",
    async () => {
      const { port } = await stranger();
      const child = idleChild();
      await expect(
        waitUntilServing({
          child,
          port,
          probeUrl: `http://127.0.0.1:${port}/healthz`,
          deadline: Date.now() + 5_000,
          what: "wrangler dev",
        }),
      ).rejects.toThrow(`port ${port} answers, but not from the wrangler dev started here`);
    },
  );

  it("an answer after our child exited is refused", async () => {
    const { port } = await stranger();
    const child = spawn(process.execPath, ["-e", "process.exit(3)"], { stdio: "ignore" });
    await new Promise((resolve) => child.once("exit", resolve));
    await expect(
      waitUntilServing({
        child,
        port,
        probeUrl: `http://127.0.0.1:${port}/healthz`,
        deadline: Date.now() + 5_000,
        what: "wrangler dev",
      }),
    ).rejects.toThrow("wrangler dev exited with 3");
  });

  it("startWranglerDev on a taken port fails at once and starts nothing", async () => {
    const { port } = await stranger();
    const dir = mkdtempSync(join(tmpdir(), "finality-edge-port-"));
    try {
      const started = Date.now();
      await expect(startWranglerDev({ port, persistTo: dir, readyTimeoutMs: 30_000 })).rejects.toThrow(
        `port ${port} (Worker (wrangler dev)) is already in use`,
      );
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.runIf(haveProc)("npm start with a stale server on the Worker port", () => {
  it("fails naming the port and the component, exits non-zero, and leaves no process", async () => {
    const { port } = await stranger();
    const run = await launch("node", [], { edge: port });
    const { code } = await Promise.race([
      run.exited,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`still running:\n${run.output()}`)), 30_000),
      ),
    ]);
    expect(code).not.toBe(0);
    expect(run.output()).toContain(
      `port ${port} (Worker) is already in use — stop what listens there or pass --edge-port`,
    );
    expect(run.output()).not.toMatch(/starting the Babylon emulator/);
    const left = await run.watch.untilGone(5_000);
    expect(left, describeProc(left)).toEqual([]);
    // Nothing was started on the other ports, and the stranger still serves its own.
    for (const other of run.ports.slice(1)) expect(await portIsFree(other)).toBe(true);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  }, 40_000);
});
