/**
 * `npm start` stopped by Ctrl-C at each moment of its start-up: SIGINT goes to the whole process group (as a
 * terminal sends it), then every process the run started — found through /proc by pid, parent pid, process group,
 * session and an environment marker, never by name — must be gone within a bound, and the ports it was given free.
 * Also SIGHUP (the terminal closed) and SIGTERM to scripts/start.mjs alone. Each case is bounded; leftovers of a
 * failed case are killed by pid / group in afterEach.
 */
import { afterEach, describe, expect, it } from "vitest";
import { haveAnvil, portServedBy } from "../../devnet/processes.ts";
import { haveProc, type Proc } from "./support/process-tree.ts";
import { cleanUpRuns, expectAllGone, interrupt, launch } from "./support/start-run.ts";

afterEach(cleanUpRuns);

const isStackRunTs = (p: Proc) => p.cmd.includes("scripts/run-ts.mjs devnet/stack/main.ts");
const describeStart = haveProc && haveAnvil ? describe : describe.skip;

describeStart("Ctrl-C during npm start's start-up stops everything it started", () => {
  it("right after launch", async () => {
    const run = await launch("npm");
    await expectAllGone(run, interrupt(run));
  }, 40_000);

  it("while run-ts.mjs is still bundling the stack", async () => {
    const run = await launch("node");
    // The esbuild service of the stack's run-ts: the bundle is being built, nothing is listening yet.
    const runTs = await run.waitForProcess(isStackRunTs, 10_000);
    await run.waitForProcess((p) => p.ppid === runTs.pid && p.cmd.includes("esbuild"), 10_000);
    await expectAllGone(run, interrupt(run));
  }, 40_000);

  it("once the log shows the Babylon emulator starting", async () => {
    const run = await launch("npm");
    await run.waitForOutput(/starting the Babylon emulator/, 30_000);
    await expectAllGone(run, interrupt(run));
  }, 60_000);

  it("while the Babylon emulator's own run-ts is bundling it", async () => {
    const run = await launch("node");
    await run.waitForProcess((p) => p.cmd.includes("scripts/run-ts.mjs devnet/babylon/main.ts"), 30_000);
    await expectAllGone(run, interrupt(run));
  }, 60_000);

  it("once the log shows wrangler dev starting", async () => {
    const run = await launch("npm");
    await run.waitForOutput(/starting the Worker \(wrangler dev\)/, 40_000);
    await expectAllGone(run, interrupt(run));
  }, 70_000);

  it("while wrangler dev runs workerd but is not ready yet: stopped without waiting for readiness", async () => {
    const run = await launch("node");
    await run.waitForOutput(/starting the Worker \(wrangler dev\)/, 40_000);
    await run.waitForProcess((p) => p.cmd.includes("workerd serve"), 30_000);
    const healthz = `http://127.0.0.1:${run.ports[0]}/healthz`;
    expect(await answers(healthz, 300), "wrangler dev is not ready yet when the signal is sent").toBe(false);
    const since = interrupt(run);
    // The Worker must never come up after Ctrl-C: it is stopped at once, not once it is ready.
    let answered = false;
    const poll = (async () => {
      while (run.child.exitCode === null && run.child.signalCode === null) {
        if (await answers(healthz)) answered = true;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    await expectAllGone(run, since);
    await poll;
    expect(answered, "the Worker answered /healthz after SIGINT").toBe(false);
    expect(run.output()).toMatch(/stopped during start-up/);
  }, 80_000);

  it("SIGHUP (the terminal closed) to the group while wrangler dev starts", async () => {
    const run = await launch("node");
    await run.waitForOutput(/starting the Worker \(wrangler dev\)/, 40_000);
    await run.waitForProcess((p) => p.cmd.includes("wrangler"), 20_000);
    const since = Date.now();
    process.kill(-(run.child.pid as number), "SIGHUP");
    await expectAllGone(run, since);
  }, 80_000);

  it("SIGTERM to scripts/start.mjs alone while run-ts.mjs is bundling the stack", async () => {
    const run = await launch("node");
    const runTs = await run.waitForProcess(isStackRunTs, 10_000);
    await run.waitForProcess((p) => p.ppid === runTs.pid && p.cmd.includes("esbuild"), 10_000);
    const since = Date.now();
    run.child.kill("SIGTERM");
    await expectAllGone(run, since);
  }, 40_000);

  it("SIGTERM to scripts/start.mjs alone while the emulator and anvil start", async () => {
    const run = await launch("node");
    await run.waitForProcess((p) => p.cmd.includes("anvil --port"), 30_000);
    const since = Date.now();
    run.child.kill("SIGTERM");
    await expectAllGone(run, since);
    expect(run.output()).not.toMatch(/starting the Worker/);
    expect((await run.exited).code).toBe(0);
  }, 60_000);

  it("SIGTERM to scripts/start.mjs alone while wrangler dev starts", async () => {
    const run = await launch("node");
    await run.waitForOutput(/starting the Worker \(wrangler dev\)/, 40_000);
    await run.waitForProcess((p) => p.cmd.includes("wrangler"), 20_000);
    const since = Date.now();
    run.child.kill("SIGTERM");
    await expectAllGone(run, since);
    expect(run.output()).toMatch(/stopped during start-up/);
    expect((await run.exited).code).toBe(0);
  }, 80_000);

  it("once the stack is up (the ordinary Ctrl-C)", async () => {
    const run = await launch("npm");
    await run.waitForOutput(/Finality Edge local stack is up/, 90_000);
    // The Worker port's listener is one of the run's own processes (what readiness relies on to refuse a stranger).
    expect(portServedBy(run.ports[0] as number, run.child.pid as number)).toBe(true);
    await expectAllGone(run, interrupt(run));
    expect(run.output()).toMatch(/stopped; every process is gone/);
  }, 120_000);
});

/** Whether `url` answers 2xx within `timeoutMs`. */
async function answers(url: string, timeoutMs = 1_000): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}
