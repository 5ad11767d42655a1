/**
 * `npm start`: the whole local stack (devnet/stack/start-stack.ts) with live status lines; Ctrl-C (SIGINT) or
 * SIGTERM stops every component it started. `npm start -- --help` lists the options.
 */
import { HELP, OptionsError, parseStackOptions } from "./options.ts";
import { startStack } from "./start-stack.ts";
import { chainStatusLine } from "./status-line.ts";

async function main(): Promise<void> {
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
  say(`data directory ${options.dataDir} (logs in ${options.dataDir}/logs)`);
  const stack = await startStack(options, say);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
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
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));

  console.log(`
Finality Edge local stack is up in ${(stack.startupMs / 1000).toFixed(1)} s
  API          ${stack.urls.edge}/v1/chains
  docs         ${stack.urls.docs}
  Babylon RPC  ${stack.urls.babylon}   (chain ${stack.babylonChainId})
${stack.chains.map((c) => `  L2 RPC       ${c.l2RpcUrl}   (${c.id}, EVM chain id ${c.evmChainId})`).join("\n")}
Try: curl ${stack.urls.edge}/v1/chains/${stack.chains[0]?.id}/blocks/finalized/finality
Ctrl-C stops everything.
`);
  const period = options.timing.statusSeconds * 1000;
  let printing = false;
  const ticker = setInterval(
    async () => {
      if (printing || stopping) return;
      printing = true;
      const lines = await Promise.all(
        stack.chains.map((c) => chainStatusLine(stack.urls.edge, c.id, stack.fleets.get(c.id))),
      );
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
