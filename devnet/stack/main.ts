/**
 * `npm start`: the whole local stack (devnet/stack/start-stack.ts) with live status lines; Ctrl-C (SIGINT) or
 * SIGTERM stops every component it started. `npm start -- --help` lists the options.
 */
import { HELP, OptionsError, parseStackOptions } from "./options.ts";
import { startStack } from "./start-stack.ts";
import { chainStatusLine } from "./status-line.ts";

async function main(): Promise<void> {
  // Until the handlers below are installed nothing has been started: a signal then just ends this process.
  let options: ReturnType<typeof parseStackOptions>;
  try {
    options = parseStackOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
  if (options === "help") {
    console.log(HELP);
    return;
  }
  const say = (line: string) => console.log(`[stack] ${line}`);
  // A closed terminal (SIGHUP) makes writes fail: that must not end the process before its children are stopped.
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => {});
  // Signals are handled from the first moment: one that arrives during start-up stops, at once, the component
  // starting then and everything started before. This process exits only after every child is gone.
  const startup = new AbortController();
  let stack: Awaited<ReturnType<typeof startStack>> | undefined;
  let stopping = false;
  let ticker: ReturnType<typeof setInterval> | undefined;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (!stack) {
      say(`${signal}: stopping what has started …`);
      startup.abort();
      return;
    }
    say(`${signal}: stopping …`);
    clearInterval(ticker);
    stack.stop().then(
      () => {
        say("stopped; every process is gone and its port free");
        process.exit(0);
      },
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => shutdown(signal));
  say(`data directory ${options.dataDir} (logs in ${options.dataDir}/logs)`);
  try {
    stack = await startStack(options, say, startup.signal);
  } catch (error) {
    if (!startup.signal.aborted) throw error;
    say("stopped during start-up; every process it had started is gone");
    process.exit(0);
  }
  const up = stack;

  console.log(`
Finality Edge local stack is up in ${(up.startupMs / 1000).toFixed(1)} s
  dashboard    ${up.urls.dashboard}
  API          ${up.urls.edge}/v1/chains
  metrics      ${up.urls.edge}/metrics
  docs         ${up.urls.docs}
  Babylon RPC  ${up.urls.babylon}   (chain ${up.babylonChainId})
${up.chains.map((c) => `  L2 RPC       ${c.l2RpcUrl}   (${c.id}, EVM chain id ${c.evmChainId})`).join("\n")}
${up.gadgets.map((g) => `  gadget       ${g.grpc} gRPC (op-node babylon_finality_gadget_rpc), ${g.http} HTTP   (${g.chain})`).join("\n")}
Try: curl ${up.urls.edge}/v1/chains/${up.chains[0]?.id}/blocks/finalized/finality
Ctrl-C stops everything.
`);
  const period = options.timing.statusSeconds * 1000;
  let printing = false;
  ticker = setInterval(
    async () => {
      if (printing || stopping) return;
      printing = true;
      const lines = await Promise.all(up.chains.map((c) => chainStatusLine(up.urls.edge, c.id, up.fps)));
      if (!stopping) console.log(`${new Date().toISOString().slice(11, 19)}  ${lines.join("\n          ")}`);
      printing = false;
    },
    period > 0 ? period : 2 ** 30,
  );
}

main().catch((error: unknown) => {
  console.error(`npm start failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
