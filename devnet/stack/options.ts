/**
 * @module `npm start` options: flags (`--name value`) override environment variables, which override defaults.
 * Everything listens on 127.0.0.1; a port of 0 means "any free port".
 */
import { resolve } from "node:path";

export type Scenario =
  | { kind: "offline"; chain: string; fp: string; atSec: number; forSec: number }
  | { kind: "equivocate"; chain: string; fp: string; atSec: number }
  | { kind: "reorg"; chain: string; depth: number; atSec: number };

export type StackOptions = {
  dataDir: string;
  /** `gadgetGrpc` / `gadgetHttp`: the first chain's gadget adapter; the second chain's uses the next port (0: free). */
  ports: { edge: number; babylon: number; l2a: number; l2b: number; gadgetGrpc: number; gadgetHttp: number };
  timing: {
    /** anvil `--block-time`, seconds. */
    l2BlockSeconds: number;
    babylonBlockMs: number;
    btcBlockMs: number;
    epochBlocks: number;
    finalizeDelay: number;
    /** How often the supervisor fires the Worker's scheduled handler. */
    cronSeconds: number;
    /** How often the live status lines are printed (0: never). */
    statusSeconds: number;
  };
  scenarios: Scenario[];
  /** Start from scratch: remove the data directory first. */
  fresh: boolean;
};

type Knob = { flag: string; env: string; help: string; def: string };

const KNOBS: Knob[] = [
  {
    flag: "data-dir",
    env: "DEVNET_DATA_DIR",
    help: "state of every component (a restart resumes)",
    def: ".devnet",
  },
  { flag: "edge-port", env: "EDGE_PORT", help: "the Worker (wrangler dev)", def: "8787" },
  {
    flag: "gadget-grpc-port",
    env: "GADGET_GRPC_PORT",
    help: "the gadget adapters' gRPC (op-node), chain B on +1",
    def: "50051",
  },
  {
    flag: "gadget-http-port",
    env: "GADGET_HTTP_PORT",
    help: "the gadget adapters' HTTP routes, chain B on +1",
    def: "8085",
  },
  {
    flag: "babylon-port",
    env: "BABYLON_RPC_PORT",
    help: "the Babylon emulator's CometBFT RPC",
    def: "26657",
  },
  { flag: "l2a-port", env: "L2A_PORT", help: "anvil of chain edge-devnet-l2", def: "8545" },
  { flag: "l2b-port", env: "L2B_PORT", help: "anvil of chain edge-devnet-l2b", def: "8546" },
  { flag: "l2-block-time", env: "L2_BLOCK_TIME", help: "L2 block time, seconds", def: "1" },
  { flag: "babylon-block-ms", env: "BABYLON_BLOCK_MS", help: "Babylon block time, ms", def: "500" },
  { flag: "btc-block-ms", env: "BTC_BLOCK_MS", help: "synthetic BTC block time, ms", def: "10000" },
  { flag: "epoch-blocks", env: "EPOCH_BLOCKS", help: "Babylon blocks per epoch", def: "5" },
  {
    flag: "finalize-delay",
    env: "FINALIZE_DELAY",
    help: "blocks until an ended epoch is BTC-finalized",
    def: "2",
  },
  {
    flag: "cron-seconds",
    env: "CRON_SECONDS",
    help: "period of the Worker's scheduled handler (a safety net; 0 = never)",
    def: "2",
  },
  {
    flag: "status-seconds",
    env: "STATUS_SECONDS",
    help: "period of the live status lines (0: off)",
    def: "2",
  },
];

export const HELP = `npm start [-- options]: the whole Finality Edge stack on 127.0.0.1 — two anvil L2s, the Babylon
chain emulator with a finality contract and four FPs per L2, the Worker under wrangler dev (local KV, Queues,
scheduled handler), and one finality-edge-fp daemon per FP voting through the Worker's REST API. Ctrl-C stops everything.

Options (flag, environment variable, default):
${KNOBS.map((k) => `  --${k.flag.padEnd(18)} ${k.env.padEnd(18)} ${k.def.padEnd(7)} ${k.help}`).join("\n")}
  --fresh                                      remove the data directory first
  --offline CHAIN:FP:AT:FOR   FP's daemon is stopped AT seconds after start and started again FOR seconds
                              later; it resumes from its state database (repeatable)
  --equivocate CHAIN:FP:AT    a second vote is signed with the FP's key outside its daemon, AT seconds after
                              start (the FP is slashed; its daemon stops with exit code 3)
  --reorg CHAIN:DEPTH:AT      the L2 drops its last DEPTH blocks (anvil_reorg) AT seconds after start;
                              FPs vote 2 blocks behind the head, so DEPTH ≤ 2 drops only unvoted blocks
  --help                      this text

Chains: edge-devnet-l2 (FPs fp-1..fp-4, 4/3/2/1 M sat) and edge-devnet-l2b (fp-b1..fp-b4, 4/3/2/1 M sat).
Example: npm start -- --offline edge-devnet-l2:fp-1:30:20 --equivocate edge-devnet-l2b:fp-b4:60`;

export class OptionsError extends Error {
  override name = "OptionsError";
}

function integer(name: string, raw: string, min: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min) throw new OptionsError(`--${name} ${raw}: not an integer ≥ ${min}`);
  return value;
}

function scenario(kind: Scenario["kind"], raw: string): Scenario {
  const parts = raw.split(":");
  const [chain, a, b, c] = parts;
  if (!chain) throw new OptionsError(`--${kind} ${raw}: no chain`);
  if (kind === "offline" && parts.length === 4 && a) {
    return { kind, chain, fp: a, atSec: integer(kind, b ?? "", 0), forSec: integer(kind, c ?? "", 1) };
  }
  if (kind === "equivocate" && parts.length === 3 && a)
    return { kind, chain, fp: a, atSec: integer(kind, b ?? "", 0) };
  if (kind === "reorg" && parts.length === 3) {
    return { kind, chain, depth: integer(kind, a ?? "", 1), atSec: integer(kind, b ?? "", 0) };
  }
  throw new OptionsError(`--${kind} ${raw}: see --help for the format`);
}

/** The configured ports with the component meant to listen on each and the flag that moves it (0: any free port). */
export function stackPortChecks(options: StackOptions): { port: number; component: string; flag: string }[] {
  return [
    { port: options.ports.edge, component: "Worker", flag: "edge-port" },
    { port: options.ports.babylon, component: "Babylon emulator RPC", flag: "babylon-port" },
    { port: options.ports.l2a, component: "anvil of edge-devnet-l2", flag: "l2a-port" },
    { port: options.ports.l2b, component: "anvil of edge-devnet-l2b", flag: "l2b-port" },
    ...[0, 1].flatMap((i) =>
      options.ports.gadgetGrpc === 0 || options.ports.gadgetHttp === 0
        ? []
        : [
            {
              port: options.ports.gadgetGrpc + i,
              component: `gadget gRPC of chain ${i + 1}`,
              flag: "gadget-grpc-port",
            },
            {
              port: options.ports.gadgetHttp + i,
              component: `gadget HTTP of chain ${i + 1}`,
              flag: "gadget-http-port",
            },
          ],
    ),
  ];
}

/** Parses `argv` (after `npm start --`) and `env`. Returns `"help"` for --help. */
export function parseStackOptions(argv: readonly string[], env: NodeJS.ProcessEnv): StackOptions | "help" {
  const values = new Map<string, string>(KNOBS.map((k) => [k.flag, env[k.env]?.trim() || k.def]));
  const scenarios: Scenario[] = [];
  let fresh = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--help" || arg === "-h") return "help";
    if (arg === "--fresh") {
      fresh = true;
      continue;
    }
    const name = arg.replace(/^--/, "");
    const value = argv[i + 1];
    if (!arg.startsWith("--") || value === undefined)
      throw new OptionsError(`${arg}: expected --name value (see --help)`);
    i++;
    if (name === "offline" || name === "equivocate" || name === "reorg")
      scenarios.push(scenario(name, value));
    else if (values.has(name)) values.set(name, value);
    else throw new OptionsError(`unknown option --${name} (see --help)`);
  }
  const get = (flag: string) => values.get(flag) as string;
  const port = (flag: string) => {
    const p = integer(flag, get(flag), 0);
    if (p > 65_535) throw new OptionsError(`--${flag} ${p}: not a port`);
    return p;
  };
  return {
    dataDir: resolve(get("data-dir")),
    ports: {
      edge: port("edge-port"),
      babylon: port("babylon-port"),
      l2a: port("l2a-port"),
      l2b: port("l2b-port"),
      gadgetGrpc: port("gadget-grpc-port"),
      gadgetHttp: port("gadget-http-port"),
    },
    timing: {
      l2BlockSeconds: integer("l2-block-time", get("l2-block-time"), 1),
      babylonBlockMs: integer("babylon-block-ms", get("babylon-block-ms"), 10),
      btcBlockMs: integer("btc-block-ms", get("btc-block-ms"), 100),
      epochBlocks: integer("epoch-blocks", get("epoch-blocks"), 1),
      finalizeDelay: integer("finalize-delay", get("finalize-delay"), 0),
      cronSeconds: integer("cron-seconds", get("cron-seconds"), 0),
      statusSeconds: integer("status-seconds", get("status-seconds"), 0),
    },
    scenarios,
    fresh,
  };
}
