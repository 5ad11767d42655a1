/**
 * @module The FP daemon's configuration: one schema, read from a TOML or JSON file, with `FP_…` environment
 * overrides, and refused at start with the path of the first bad field (`l2.safety.confirmations: …`).
 */
import { z } from "zod";
import { ConfigError } from "./config-error.ts";

const url = z.url({ protocol: /^https?$/ });
const positiveInt = z.number().int().positive();

const safety = z.discriminatedUnion("mode", [
  z.object({
    /** Vote on a block once `confirmations` more blocks are on top of it. */
    mode: z.literal("confirmations"),
    confirmations: z.number().int().min(0).max(10_000).default(2),
  }),
  z.object({
    /** Vote on blocks up to the node's `safe` or `finalized` block (L1-derived safety on an OP-stack node). */
    mode: z.literal("tag"),
    tag: z.enum(["safe", "finalized"]),
  }),
]);

export const daemonConfigSchema = z.strictObject({
  /** The edge's chain id: the `{chain}` of `/v1/chains/{chain}/…`. */
  chain: z.string().min(1).max(64),
  /** The FP's key in `<home>/keys/<name>.eots.json` (and `<name>.babylon.json` for the babylon transport). */
  keyName: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/)
    .default("default"),
  /** `edge`: submit through Finality Edge; `babylon`: sign transactions with the FP's own Babylon account. */
  transport: z.enum(["edge", "babylon"]).default("edge"),
  edge: z
    .strictObject({
      url: url.optional(),
      timeoutMs: positiveInt.max(120_000).default(10_000),
    })
    .default({ timeoutMs: 10_000 }),
  babylon: z.strictObject({
    rpcUrl: url,
    /** The Babylon chain id, part of both signing contexts. */
    chainId: z.string().min(1),
    /** The rollup BSN's finality contract (bech32). */
    contractAddress: z.string().regex(/^[a-z0-9]+1[02-9ac-hj-np-z]{6,}$/, "a bech32 address"),
    timeoutMs: positiveInt.max(120_000).default(10_000),
    /** For the babylon transport: fee price, e.g. `0.002ubbn`. */
    gasPrice: z
      .string()
      .regex(/^\d+(\.\d+)?[a-z][a-z0-9/]*$/, "an amount and denom, e.g. 0.002ubbn")
      .default("0.002ubbn"),
  }),
  l2: z.strictObject({
    rpcUrl: url,
    safety: safety.default({ mode: "confirmations", confirmations: 2 }),
    pollMs: positiveInt.min(50).max(60_000).default(1_000),
  }),
  randomness: z
    .strictObject({
      /** Heights per commit (the contract's `min_pub_rand` is a floor). */
      commitSize: positiveInt.max(1_000_000).default(50_000),
      /** Commit the next range when fewer than this many grid heights remain ahead of the L2 head. */
      commitMargin: positiveInt.default(2_000),
      /** Warn when fewer than this many committed heights remain ahead of the L2 head. */
      warnBelow: positiveInt.default(1_000),
    })
    .default({ commitSize: 50_000, commitMargin: 2_000, warnBelow: 1_000 }),
  submit: z
    .strictObject({
      /** Votes per request (the edge takes ≤ 100; its relayer batches 25 per Babylon transaction). */
      batchSize: positiveInt.max(100).default(25),
      /** First wait after a transient refusal; doubles up to `maxBackoffMs` (a `Retry-After` is honoured). */
      retryMs: positiveInt.max(60_000).default(1_000),
      maxBackoffMs: positiveInt.max(600_000).default(30_000),
      /** An accepted message not seen on Babylon after this long is sent again (the edge answers a duplicate). */
      settleTimeoutMs: positiveInt.max(3_600_000).default(120_000),
      /** How often accepted messages are checked for inclusion. */
      settleCheckMs: positiveInt.max(600_000).default(2_000),
    })
    .default({
      batchSize: 25,
      retryMs: 1_000,
      maxBackoffMs: 30_000,
      settleTimeoutMs: 120_000,
      settleCheckMs: 2_000,
    }),
  ops: z
    .strictObject({
      host: z.string().default("127.0.0.1"),
      /** 0 = any free port (reported in the log). */
      port: z.number().int().min(0).max(65_535).default(9464),
      /** Optional bearer token for `/metrics` (prefer `FP_OPS_BEARER_TOKEN`). */
      bearerToken: z.string().min(16).optional(),
    })
    .default({ host: "127.0.0.1", port: 9464 }),
  log: z
    .strictObject({
      level: z.enum(["debug", "info", "warn", "error"]).default("info"),
      format: z.enum(["json", "pretty"]).default("json"),
    })
    .default({ level: "info", format: "json" }),
});

export type DaemonConfig = z.output<typeof daemonConfigSchema>;

/**
 * Environment overrides: `FP_<PATH>` in upper snake case, e.g. `FP_EDGE_URL`, `FP_L2_RPC_URL`,
 * `FP_SUBMIT_BATCH_SIZE`, `FP_L2_SAFETY_CONFIRMATIONS`. Values that look like numbers or booleans are read as such.
 */
export const ENV_OVERRIDES: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  [
    ["chain"],
    ["keyName"],
    ["transport"],
    ["edge", "url"],
    ["edge", "timeoutMs"],
    ["babylon", "rpcUrl"],
    ["babylon", "chainId"],
    ["babylon", "contractAddress"],
    ["babylon", "timeoutMs"],
    ["babylon", "gasPrice"],
    ["l2", "rpcUrl"],
    ["l2", "safety", "mode"],
    ["l2", "safety", "confirmations"],
    ["l2", "safety", "tag"],
    ["l2", "pollMs"],
    ["randomness", "commitSize"],
    ["randomness", "commitMargin"],
    ["randomness", "warnBelow"],
    ["submit", "batchSize"],
    ["submit", "retryMs"],
    ["submit", "maxBackoffMs"],
    ["submit", "settleTimeoutMs"],
    ["submit", "settleCheckMs"],
    ["ops", "host"],
    ["ops", "port"],
    ["ops", "bearerToken"],
    ["log", "level"],
    ["log", "format"],
  ].map((path) => [
    `FP_${path
      .map((p) => p.replace(/[A-Z]/g, (c) => `_${c}`))
      .join("_")
      .toUpperCase()}`,
    path,
  ]),
);

function envValue(raw: string): unknown {
  if (/^-?\d+$/.test(raw)) return Number(raw);
  if (raw === "true" || raw === "false") return raw === "true";
  return raw;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== "object" || next === null || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

/**
 * Validates `raw` (the parsed file) with `env` overrides applied on top. `source` names the file in errors.
 * @throws ConfigError naming the first bad field's path, e.g. `babylon.contractAddress`.
 */
export function resolveDaemonConfig(
  raw: unknown,
  env: Readonly<Record<string, string | undefined>> = {},
  source = "config",
): DaemonConfig {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ConfigError(source, "", "the configuration must be a table/object");
  }
  const merged = structuredClone(raw) as Record<string, unknown>;
  for (const [name, path] of Object.entries(ENV_OVERRIDES)) {
    const value = env[name];
    if (value !== undefined && value !== "") setPath(merged, path, envValue(value));
  }
  const parsed = daemonConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = (issue?.path ?? []).map(String).join(".");
    const fromEnv = Object.entries(ENV_OVERRIDES).find(([name, p]) => p.join(".") === path && env[name]);
    throw new ConfigError(fromEnv ? `${source} (${fromEnv[0]})` : source, path, issue?.message ?? "invalid");
  }
  const config = parsed.data;
  if (config.transport === "edge" && config.edge.url === undefined) {
    throw new ConfigError(source, "edge.url", "required when transport is edge");
  }
  return config;
}
