/**
 * The local stack as the benches start it: free loopback ports, a temporary data dir, the stack e2e's fast
 * Babylon timing (200 ms blocks, 2 s BTC blocks, 5-block epochs), no status lines. `extra` flags are appended
 * (later flags win). Stopping removes the data dir.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseStackOptions, type StackOptions } from "../../devnet/stack/options.ts";
import { type Stack, startStack } from "../../devnet/stack/start-stack.ts";

export function benchStackOptions(dataDir: string, extra: string[] = []): StackOptions {
  const ports = ["edge", "babylon", "l2a", "l2b", "gadget-grpc", "gadget-http"].flatMap((p) => [
    `--${p}-port`,
    "0",
  ]);
  const timing = ["--babylon-block-ms", "200", "--btc-block-ms", "2000", "--epoch-blocks", "5"];
  const rest = ["--finalize-delay", "2", "--cron-seconds", "1", "--status-seconds", "0"];
  return parseStackOptions(
    ["--data-dir", dataDir, ...ports, ...timing, ...rest, ...extra],
    {},
  ) as StackOptions;
}

/** Starts the stack in a fresh temporary directory; `stop()` stops it and removes the directory. */
export async function startBenchStack(name: string, extra: string[] = []): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  try {
    const stack = await startStack(benchStackOptions(dataDir, extra), () => {});
    const stop = stack.stop.bind(stack);
    return Object.assign(stack, {
      stop: async () => {
        await stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    });
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Starts the stack, runs `bench` with it and stops it — also when `deadlineMs` passes first (then the process
 * exits 1), so a bench never outlives its bound.
 */
export async function withBenchStack(
  name: string,
  options: { extra?: string[]; deadlineMs: number; say: (line: string) => void },
  bench: (stack: Stack) => Promise<void>,
): Promise<void> {
  let stack: Stack | undefined;
  const deadline = setTimeout(() => {
    options.say(`deadline of ${options.deadlineMs / 1000} s passed: stopping`);
    void (stack?.stop() ?? Promise.resolve()).finally(() => process.exit(1));
  }, options.deadlineMs);
  try {
    stack = await startBenchStack(name, options.extra);
    await bench(stack);
  } finally {
    clearTimeout(deadline);
    await stack?.stop();
  }
}
