/**
 * Test support: `npm start` (or `node scripts/start.mjs`) in its own new process group and session, on free ports
 * and a temporary data directory, with every process it starts watched through /proc (./process-tree.ts).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { expect } from "vitest";
import { freePort } from "../../../devnet/processes.ts";
import { describeProc, type Proc, ProcessWatch, portIsFree } from "./process-tree.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const MARKER_NAME = "FINALITY_EDGE_TEST_TREE";
/** From the signal until every process is gone (stopping wrangler dev and workerd takes a few seconds here). */
const GONE_WITHIN_MS = 20_000;

export type Run = {
  child: ChildProcess;
  watch: ProcessWatch;
  ports: number[];
  dataDir: string;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once the output matches `pattern`. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void>;
  /** Resolves once a process of the tree matches `test`. */
  waitForProcess(test: (p: Proc) => boolean, timeoutMs: number): Promise<Proc>;
};

const runs: Run[] = [];

/** For afterEach: kills (by pid / group) whatever a run left and removes its data directory. */
export function cleanUpRuns(): void {
  for (const run of runs.splice(0)) {
    run.watch.killAll();
    run.watch.stopWatching();
    rmSync(run.dataDir, { recursive: true, force: true });
  }
}

/** Distinct free ports. */
async function ports(count: number): Promise<number[]> {
  const out = new Set<number>();
  while (out.size < count) out.add(await freePort());
  return [...out];
}

/** `npm start` (or `node scripts/start.mjs`) in its own new process group (and session), on free ports. */
export async function launch(
  how: "npm" | "node",
  extraArgs: string[] = [],
  given?: { edge?: number },
): Promise<Run> {
  const [edge, babylon, l2a, l2b] = await ports(4);
  const usedPorts = [given?.edge ?? (edge as number), babylon as number, l2a as number, l2b as number];
  const dataDir = mkdtempSync(join(tmpdir(), "finality-edge-start-"));
  const args = [
    "--data-dir",
    dataDir,
    "--edge-port",
    String(usedPorts[0]),
    "--babylon-port",
    String(babylon),
    "--l2a-port",
    String(l2a),
    "--l2b-port",
    String(l2b),
    "--status-seconds",
    "0",
    ...extraArgs,
  ];
  const marker = `${MARKER_NAME}=${randomUUID()}`;
  const env = {
    ...process.env,
    // npm/npx and wrangler run on the project's Node 22 (the system one may be older).
    PATH: `${join(ROOT, "node_modules", ".bin")}${delimiter}${process.env.PATH ?? ""}`,
    [MARKER_NAME]: marker.slice(MARKER_NAME.length + 1),
  };
  const [command, commandArgs] =
    how === "npm"
      ? ["npm", ["start", "--silent", "--", ...args]]
      : [process.execPath, ["scripts/start.mjs", ...args]];
  const child = spawn(command as string, commandArgs as string[], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env,
  });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const watch = new ProcessWatch(child.pid, marker).watch(50);
  let output = "";
  const listeners = new Set<() => void>();
  const take = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on("data", take);
  child.stderr?.on("data", take);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once("exit", (code, signal) => done({ code, signal })),
  );
  const run: Run = {
    child,
    watch,
    ports: usedPorts,
    dataDir,
    output: () => output,
    exited,
    waitForOutput: (pattern, timeoutMs) =>
      new Promise<void>((done, fail) => {
        const check = () => {
          if (!pattern.test(output)) return;
          listeners.delete(check);
          clearTimeout(timer);
          done();
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          fail(new Error(`no ${pattern} in the output within ${timeoutMs} ms:\n${output}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
    waitForProcess: async (test, timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        watch.sample();
        const found = watch.living().find(test);
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(`no such process within ${timeoutMs} ms:\n${describeProc(watch.living())}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
  runs.push(run);
  return run;
}

/** Ctrl-C: SIGINT to the run's whole process group. */
export function interrupt(run: Run): number {
  try {
    process.kill(-(run.child.pid as number), "SIGINT");
  } catch {
    // The group is gone already.
  }
  return Date.now();
}

/** Everything the run started is gone within the bound and its ports are free. */
export async function expectAllGone(run: Run, since: number): Promise<void> {
  const left = await run.watch.untilGone(GONE_WITHIN_MS);
  const took = Date.now() - since;
  expect(
    left,
    `still running ${took} ms after the signal:\n${describeProc(left)}\n--- output ---\n${run.output()}`,
  ).toEqual([]);
  for (const port of run.ports) expect(await portIsFree(port), `port ${port} is free`).toBe(true);
  console.log(`all ${run.watch.known.size} processes gone ${took} ms after the signal`);
}
