/**
 * @module `finality-edge-gadget`: the op-node finality-gadget adapter for one chain (thin entry over
 * gadget/start.ts). Flags or env: --edge (GADGET_EDGE_URL), --chain (GADGET_CHAIN), --grpc (GADGET_GRPC,
 * default 127.0.0.1:50051), --http (GADGET_HTTP, default 127.0.0.1:8085), --l2-rpc (GADGET_L2_RPC, optional),
 * --timeout-ms (GADGET_TIMEOUT_MS, default 15000). SIGTERM/SIGINT stop it gracefully; exit 2 on bad usage.
 */
import { parseArgs } from "node:util";
import { startAdapter } from "./start.ts";

const HELP = `Usage: finality-edge-gadget --edge <url> --chain <id> [--grpc host:port] [--http host:port] [--l2-rpc <url>] [--timeout-ms n]

Serves the finality gadget's gRPC interface (what op-node dials as babylon_finality_gadget_rpc, plaintext h2c) and
its HTTP routes (/v1/transaction, /v1/chainSyncStatus, /health, /metrics) for one chain, answered from Finality
Edge. Every flag has an environment variable: GADGET_EDGE_URL, GADGET_CHAIN, GADGET_GRPC, GADGET_HTTP,
GADGET_L2_RPC, GADGET_TIMEOUT_MS.`;

function main(): Promise<number> | number {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        edge: { type: "string" },
        chain: { type: "string" },
        grpc: { type: "string" },
        http: { type: "string" },
        "l2-rpc": { type: "string" },
        "timeout-ms": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const env = process.env;
  const edgeUrl = (values.edge as string | undefined) ?? env.GADGET_EDGE_URL;
  const chain = (values.chain as string | undefined) ?? env.GADGET_CHAIN;
  const timeoutMs = Number((values["timeout-ms"] as string | undefined) ?? env.GADGET_TIMEOUT_MS ?? 15_000);
  if (!edgeUrl || !chain || !Number.isInteger(timeoutMs) || timeoutMs < 100) {
    console.error(`--edge and --chain are required (and --timeout-ms an integer ≥ 100)\n\n${HELP}`);
    return 2;
  }
  return run({
    edgeUrl,
    chain,
    grpc: (values.grpc as string | undefined) ?? env.GADGET_GRPC ?? "127.0.0.1:50051",
    http: (values.http as string | undefined) ?? env.GADGET_HTTP ?? "127.0.0.1:8085",
    l2RpcUrl: (values["l2-rpc"] as string | undefined) ?? env.GADGET_L2_RPC,
    timeoutMs,
  });
}

async function run(options: Parameters<typeof startAdapter>[0]): Promise<number> {
  const stopped = new Promise<string>((resolve) => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => resolve(signal));
  });
  let adapter: Awaited<ReturnType<typeof startAdapter>>;
  try {
    adapter = await startAdapter({ ...options, log: (line) => console.log(line) });
  } catch (error) {
    console.error(`finality-edge-gadget: ${(error as Error).message}`);
    return 2;
  }
  console.log(`gadget ${options.chain} grpc ${adapter.grpcAddress} http ${adapter.httpUrl}`);
  const signal = await stopped;
  console.log(`finality-edge-gadget: ${signal}: stopping`);
  await adapter.stop();
  return 0;
}

process.exit(await main());
