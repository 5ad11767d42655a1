/**
 * `npx node scripts/run-ts.mjs examples/dapp/serve.ts [--port 5173]`: builds the dApp and serves it on 127.0.0.1.
 * Open the printed URL; `?edge=…&rpc=…&chain=…` points it elsewhere than the devnet's defaults. Ctrl-C stops.
 */
import { numberFlag, parseFlags, runCli } from "../shared/flags.ts";
import { buildDapp, DEFAULT_OUT_DIR } from "./build.ts";
import { startStaticServer } from "./static-server.ts";

const HELP = `npx node scripts/run-ts.mjs examples/dapp/serve.ts [flags]
  --port N     listen on 127.0.0.1:N (0: any free port; in use: an error)   default 5173
  --out DIR    build into DIR                                               default examples/dapp/dist`;

await runCli(HELP, async () => {
  const flags = parseFlags(process.argv.slice(2), { port: "string", out: "string" });
  if (flags === "help") {
    console.log(HELP);
    return 0;
  }
  const port = numberFlag(flags, "port", 5173, { max: 65_535 });
  const root = await buildDapp(flags.strings.get("out") ?? DEFAULT_OUT_DIR);
  const server = await startStaticServer(root, port).catch((error: Error) => error);
  if (server instanceof Error) {
    console.error(server.message);
    return 1;
  }
  console.log(
    `dApp built into ${root}\n  open ${server.url}/  (defaults: edge :8787, L2 RPC :8545, chain edge-devnet-l2)`,
  );
  await new Promise<void>((resolve) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => resolve());
  });
  await server.close();
  return 0;
});
