/**
 * @module The daemon's config file: TOML (or JSON, by extension) read and validated with env overrides, and the
 * commented template `init` writes.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { parse as parseToml } from "smol-toml";
import { type DaemonConfig, resolveDaemonConfig } from "../src/fp-daemon/config.ts";
import { ConfigError } from "../src/fp-daemon/config-error.ts";

export function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): DaemonConfig {
  if (!existsSync(path)) {
    throw new ConfigError(path, "", "no such file (create one with `finality-edge-fp init`)");
  }
  const text = readFileSync(path, "utf8");
  let raw: unknown;
  try {
    raw = path.endsWith(".json") ? JSON.parse(text) : parseToml(text);
  } catch (error) {
    throw new ConfigError(
      path,
      "",
      `not valid ${path.endsWith(".json") ? "JSON" : "TOML"}: ${(error as Error).message}`,
    );
  }
  return resolveDaemonConfig(raw, env, path);
}

export type InitValues = {
  chain?: string | undefined;
  edgeUrl?: string | undefined;
  babylonRpcUrl?: string | undefined;
  babylonChainId?: string | undefined;
  contractAddress?: string | undefined;
  l2RpcUrl?: string | undefined;
  transport?: "edge" | "babylon" | undefined;
  opsPort?: number | undefined;
};

const q = (value: string) => JSON.stringify(value);

/** The commented config `init` writes; every setting with its default and what it does. */
export function configTemplate(v: InitValues): string {
  return `# Finality Edge FP daemon configuration (TOML). Every key can be overridden by an environment variable:
# FP_<PATH> in upper snake case, e.g. FP_EDGE_URL, FP_L2_RPC_URL, FP_SUBMIT_BATCH_SIZE.

# The edge's chain id: the {chain} of /v1/chains/{chain}/...
chain = ${q(v.chain ?? "my-rollup")}
# The key in keys/<keyName>.eots.json (and keys/<keyName>.babylon.json for the babylon transport).
keyName = "default"
# "edge": submit through Finality Edge (default). "babylon": sign transactions with the FP's own Babylon account.
transport = ${q(v.transport ?? "edge")}

[edge]
url = ${q(v.edgeUrl ?? "https://finality-edge.example")}
timeoutMs = 10000

[babylon]
# A Babylon node's CometBFT RPC: read directly for the FP's own state, power and slashing.
rpcUrl = ${q(v.babylonRpcUrl ?? "http://127.0.0.1:26657")}
# The Babylon chain id and the rollup BSN's finality contract: both are part of what the FP signs.
chainId = ${q(v.babylonChainId ?? "bbn-1")}
contractAddress = ${q(v.contractAddress ?? "bbn1...")}
timeoutMs = 10000
# Fee price for the babylon transport.
gasPrice = "0.002ubbn"

[l2]
rpcUrl = ${q(v.l2RpcUrl ?? "http://127.0.0.1:8545")}
pollMs = 1000
# Vote on a block only once it is safe from reorgs: a vote on a dropped block keeps its height from ever
# finalizing (signing the replacement would be equivocation). Either N confirmations ...
safety = { mode = "confirmations", confirmations = 2 }
# ... or the node's tag, e.g. an OP-stack node's L1-derived safe head:
# safety = { mode = "tag", tag = "safe" }

[randomness]
# Heights per commit (50,000 lasts ~13 h at 1 s blocks and interval 1); the contract's min_pub_rand is a floor.
commitSize = 50000
# Commit the next range when fewer than this many heights remain ahead of the L2 head.
commitMargin = 2000
# Warn when fewer than this many committed heights remain ahead of the L2 head.
warnBelow = 1000

[submit]
# Votes per request (the edge takes up to 100).
batchSize = 25
# Backoff after a transient refusal: from retryMs, doubling up to maxBackoffMs; a Retry-After is honoured.
retryMs = 1000
maxBackoffMs = 30000
# An accepted message not seen on Babylon after this long is sent again (the edge answers it as a duplicate).
settleTimeoutMs = 120000
settleCheckMs = 2000

[ops]
# /metrics (Prometheus text) and /healthz; loopback only.
host = "127.0.0.1"
port = ${v.opsPort ?? 9464}
# bearerToken = "..."   # prefer FP_OPS_BEARER_TOKEN

[log]
level = "info"     # debug | info | warn | error
format = "json"    # json (one object per line) | pretty
`;
}

export function writeConfigTemplate(path: string, values: InitValues): void {
  writeFileSync(path, configTemplate(values), { flag: "wx", mode: 0o600 });
}
