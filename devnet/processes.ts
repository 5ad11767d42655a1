/**
 * @module Starts the real Babylon emulator (`devnet/babylon/main.ts`) and an anvil L2 on free loopback ports for
 * tests and benchmarks, and stops them by pid. Start-up can be aborted (an `AbortSignal`): the child starting then
 * is stopped at once. Every child still running when this process exits is signalled from an `exit` hook, so an
 * early `process.exit` or a crash does not leave it behind. Also: checking ports before anything is started, and
 * (on Linux) which process listens on a port.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { connect, createServer } from "node:net";

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

// ---- ports ------------------------------------------------------------------------------------------------------

/** A port to check before start-up: who is meant to listen there, and the flag that moves it. */
export type PortCheck = { port: number; component: string; flag?: string };

export class PortInUseError extends Error {
  override name = "PortInUseError";
  constructor(
    readonly port: number,
    readonly component: string,
    flag?: string,
  ) {
    super(
      `port ${port} (${component}) is already in use — stop what listens there` +
        (flag ? ` or pass --${flag}` : " or choose another port"),
    );
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function answersConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    const done = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** Whether something listens on (or holds) 127.0.0.1:`port`: it cannot be bound, or a connection is accepted. */
export async function portInUse(port: number): Promise<boolean> {
  return !(await canListen(port)) || (await answersConnect(port));
}

/**
 * Fails with a `PortInUseError` naming the first port (in the order given) that is taken, or with an error naming
 * two components given the same port. Port 0 ("any free port") is never checked.
 */
export async function checkPortsFree(checks: readonly PortCheck[]): Promise<void> {
  const seen = new Map<number, PortCheck>();
  for (const check of checks) {
    if (check.port === 0) continue;
    const other = seen.get(check.port);
    if (other)
      throw new Error(
        `port ${check.port} is configured for both ${other.component} and ${check.component}` +
          (check.flag ? ` — pass another --${check.flag}` : ""),
      );
    seen.set(check.port, check);
  }
  for (const check of seen.values())
    if (await portInUse(check.port)) throw new PortInUseError(check.port, check.component, check.flag);
}

type ProcStat = { pid: number; ppid: number; pgid: number };

function procStat(pid: number): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { pid, ppid: Number(fields[1]), pgid: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

function allProcs(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = procStat(Number(name));
    if (stat) out.push(stat);
  }
  return out;
}

/** `root`, its descendants (by parent pid) and the members of the process group it leads (Linux). */
export function processTree(root: number): number[] {
  const procs = allProcs();
  const tree = new Set<number>([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs) {
      if (!tree.has(p.pid) && (tree.has(p.ppid) || p.pgid === root)) {
        tree.add(p.pid);
        grew = true;
      }
    }
  }
  return [...tree];
}

/** Inodes of the listening TCP sockets on `port` (any local address), from /proc/net/tcp{,6}. */
function listeningInodes(port: number): Set<string> | undefined {
  const inodes = new Set<string>();
  let readable = false;
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(table, "utf8");
      readable = true;
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      // st 0A = LISTEN; the local address ends in the port in hex.
      if (!local || cols[3] !== "0A") continue;
      if (Number.parseInt(local.slice(local.lastIndexOf(":") + 1), 16) === port && cols[9])
        inodes.add(cols[9]);
    }
  }
  return readable ? inodes : undefined;
}

/**
 * Whether the server listening on `port` belongs to the process tree of `rootPid` (the process itself, a
 * descendant, or a member of the process group it leads): `true` / `false`, or `undefined` where that cannot be
 * told (not Linux, no /proc, or nothing listening that /proc shows).
 */
export function portServedBy(port: number, rootPid: number): boolean | undefined {
  if (process.platform !== "linux") return undefined;
  const inodes = listeningInodes(port);
  if (!inodes || inodes.size === 0) return undefined;
  for (const pid of processTree(rootPid)) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        if (target.startsWith("socket:[") && inodes.has(target.slice(8, -1))) return true;
      } catch {
        // Closed meanwhile.
      }
    }
  }
  return false;
}

// ---- children ---------------------------------------------------------------------------------------------------

/** Children started here and not yet exited, with whether each leads its own process group (`detached`). */
const liveChildren = new Map<ChildProcess, { group: boolean }>();
let exitHookInstalled = false;

/**
 * Keeps `child` in the registry the `exit` hook signals: a child leading its own group gets SIGKILL to the group
 * (nothing else would ever signal it), one in this process's group SIGTERM (so it stops as it would on Ctrl-C).
 */
export function trackChild(child: ChildProcess, options: { group: boolean }): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  liveChildren.set(child, options);
  child.once("exit", () => liveChildren.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", () => {
      for (const [c, { group }] of liveChildren) {
        if (c.pid === undefined) continue;
        try {
          if (group) process.kill(-c.pid, "SIGKILL");
          else c.kill("SIGTERM");
        } catch {
          // Already gone.
        }
      }
    });
  }
}

/** The error of a start-up aborted through its `AbortSignal`. */
export class StartAbortedError extends Error {
  override name = "StartAbortedError";
  constructor(what: string) {
    super(`${what}: start-up aborted`);
  }
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      // Exited, or never spawned (no pid: the spawn failed and nothing runs).
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
      const timer = setTimeout(() => {
        // A wrapper (run-ts.mjs) killed outright would leave its own child: kill the whole tree (Linux).
        const tree = process.platform === "linux" && child.pid !== undefined ? processTree(child.pid) : [];
        for (const pid of tree.reverse()) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // Gone.
          }
        }
        child.kill("SIGKILL");
      }, 5_000);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill("SIGTERM");
    });
}

/** Waits for a line matching `pattern` on the child's stdout (or fails on exit / timeout / abort). */
function waitForLine(
  child: ChildProcess,
  pattern: RegExp,
  what: string,
  timeoutMs: number,
  signal?: AbortSignal,
) {
  return new Promise<RegExpExecArray>((resolve, reject) => {
    let output = "";
    const finish = (error?: Error, match?: RegExpExecArray) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      child.stdout?.off("data", onData);
      child.off("exit", onExit);
      child.off("error", onError);
      if (error) reject(error);
      else resolve(match as RegExpExecArray);
    };
    const timer = setTimeout(
      () => finish(new Error(`${what}: not ready after ${timeoutMs} ms\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        child.stdout?.resume();
        finish(undefined, match);
      }
    };
    const onExit = (code: number | null, sig: NodeJS.Signals | null) =>
      finish(new Error(`${what} exited with ${code ?? sig}\n${output}`));
    const onError = (error: Error) => finish(new Error(`${what}: ${error.message}`));
    const onAbort = () => finish(new StartAbortedError(what));
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => {
      if (output.length < 64_000) output += chunk.toString();
    });
    child.once("exit", onExit);
    child.once("error", onError);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export type ProcessOptions = {
  /** Listen here (default: a free port). */
  port?: number;
  /** Receives the process's output after it is ready (default: dropped). */
  log?: (chunk: string) => void;
  /** Aborts the start-up: the child is stopped at once and the start rejects with a `StartAbortedError`. */
  signal?: AbortSignal;
};

function forward(child: ChildProcess, log: ((chunk: string) => void) | undefined): void {
  if (!log) return;
  child.stdout?.on("data", (c: Buffer) => log(c.toString()));
  child.stderr?.on("data", (c: Buffer) => log(c.toString()));
}

/** Spawns a child of this process's group, registered for the exit hook from the moment it exists. */
function spawnTracked(command: string, args: string[], env?: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  trackChild(child, { group: false });
  // A spawn failure (ENOENT) is reported through waitForLine; without a listener it would be thrown.
  child.on("error", () => {});
  return child;
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
  if (options.signal?.aborted) throw new StartAbortedError("babylon emulator");
  const child = spawnTracked(process.execPath, ["scripts/run-ts.mjs", "devnet/babylon/main.ts"], {
    ...process.env,
    ...env,
    BABYLON_RPC_PORT: String(port),
  });
  const stop = stopper(child);
  try {
    const match = await waitForLine(
      child,
      /babylon devnet ready: chain-id=(\S+) rpc=(\S+) .*contracts: ((?:[a-z0-9-]+=bbn1[a-z0-9]+ ?)+)/,
      "babylon emulator",
      60_000,
      options.signal,
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
  if (options.signal?.aborted) throw new StartAbortedError("anvil");
  const child = spawnTracked(ANVIL_BINARY, args);
  const stop = stopper(child);
  try {
    await waitForLine(child, /Listening on/, "anvil", 30_000, options.signal);
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

/** One JSON-RPC call to an anvil node (its `anvil_*` / `evm_*` controls, or any `eth_*` method). */
export async function l2Rpc(url: string, method: string, params: unknown[]): Promise<unknown> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: unknown; error?: { message?: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}
