/**
 * @module The shape of one consumer chain's configuration and of the registry's JSON (a list of them),
 * as zod schemas. Defaults are applied here, so a parsed {@link ChainConfig} is always complete.
 */
import { fromBech32 } from "@cosmjs/encoding";
import { z } from "zod";
import { CHAIN_ID_PATTERN } from "../cache/keys.ts";

/** The finality quorum when none is configured: 2/3 of the total power, met with `≥` (DESIGN.md rule 1). */
export const DEFAULT_QUORUM: Readonly<Quorum> = Object.freeze({ numerator: 2, denominator: 3 });
/** Upstream RPC timeout when none is configured. */
export const DEFAULT_TIMEOUT_MS = 5_000;
/** Longest upstream timeout accepted: a reader waits on it while a client waits on the reader. */
export const MAX_TIMEOUT_MS = 60_000;

/** A CometBFT chain id (at most 50 characters; in practice letters, digits, `.`, `_`, `-`). */
const BABYLON_CHAIN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/;
/** Lowercase bech32 with Babylon's human-readable part: `bbn1` then data characters from the bech32 set. */
const BBN_BECH32_PATTERN = /^bbn1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{38,}$/;
/** CosmWasm contract addresses are 32 bytes (account addresses, 20). */
const CONTRACT_ADDRESS_BYTES = 32;

export const chainIdSchema = z.string().regex(CHAIN_ID_PATTERN, {
  error:
    "must be a slug: 1-64 lowercase letters, digits or inner hyphens (it appears in URLs and cache keys)",
});

const rpcUrlSchema = z.url({ protocol: /^https?$/, error: "must be an absolute http(s) URL" });

export const contractAddressSchema = z.string().superRefine((value, ctx) => {
  if (!BBN_BECH32_PATTERN.test(value)) {
    ctx.addIssue({ code: "custom", message: "must be a lowercase bech32 Babylon address (bbn1…)" });
    return;
  }
  let bytes: number;
  try {
    bytes = fromBech32(value, 90).data.length;
  } catch {
    ctx.addIssue({ code: "custom", message: "is not valid bech32 (bad checksum or characters)" });
    return;
  }
  if (bytes !== CONTRACT_ADDRESS_BYTES) {
    ctx.addIssue({
      code: "custom",
      message: `must be a ${CONTRACT_ADDRESS_BYTES}-byte contract address, got ${bytes} bytes${bytes === 20 ? " (an account address?)" : ""}`,
    });
  }
});

export const quorumSchema = z
  .strictObject({
    numerator: z.int().min(1, { error: "must be at least 1" }),
    denominator: z.int().min(1, { error: "must be at least 1" }),
  })
  .refine((q) => q.denominator < 1 || q.numerator <= q.denominator, {
    error: "numerator must not exceed denominator (a quorum is a fraction in (0, 1])",
    path: ["numerator"],
  });

/** Where BTC header timestamps come from. Only Babylon's btclightclient (same Babylon RPC) for now. */
export const btcHeaderSourceSchema = z.literal("babylon", {
  error: 'must be "babylon" (the btclightclient module on the chain\'s Babylon RPC; the only source for now)',
});

export const chainConfigSchema = z.strictObject({
  id: chainIdSchema,
  l2RpcUrl: rpcUrlSchema,
  babylonRpcUrl: rpcUrlSchema,
  babylonChainId: z.string().regex(BABYLON_CHAIN_ID_PATTERN, {
    error: "must be a CometBFT chain id: 1-50 letters, digits, '.', '_' or '-'",
  }),
  contractAddress: contractAddressSchema,
  quorum: quorumSchema.default(() => ({ ...DEFAULT_QUORUM })),
  btcHeaderSource: btcHeaderSourceSchema.default("babylon"),
  timeoutMs: z
    .int()
    .min(1, { error: "must be a positive number of milliseconds" })
    .max(MAX_TIMEOUT_MS, { error: `must be at most ${MAX_TIMEOUT_MS} ms` })
    .default(DEFAULT_TIMEOUT_MS),
});

/**
 * The registry's JSON: a list of chains. Id uniqueness is checked apart ({@link duplicateIdIssues}) so that it
 * is reported even when other entries are invalid (zod skips refinements of a list with invalid items).
 */
export const chainListSchema = z.array(chainConfigSchema);

/** One issue per entry whose string `id` repeats an earlier entry's, located at `[index, "id"]`. */
export function duplicateIdIssues(raw: unknown): { path: (string | number)[]; message: string }[] {
  if (!Array.isArray(raw)) return [];
  const firstIndex = new Map<string, number>();
  const issues: { path: (string | number)[]; message: string }[] = [];
  raw.forEach((entry: unknown, index) => {
    const id = typeof entry === "object" && entry !== null ? (entry as { id?: unknown }).id : undefined;
    if (typeof id !== "string") return;
    const first = firstIndex.get(id);
    if (first === undefined) firstIndex.set(id, index);
    else
      issues.push({
        path: [index, "id"],
        message: `duplicates the id of $[${first}]; chain ids must be unique`,
      });
  });
  return issues;
}

export type Quorum = { numerator: number; denominator: number };
/** One consumer chain, defaults applied. */
export type ChainConfig = z.output<typeof chainConfigSchema>;
/** One consumer chain as written in the configuration (optional fields may be absent). */
export type ChainConfigInput = z.input<typeof chainConfigSchema>;
export type BtcHeaderSource = ChainConfig["btcHeaderSource"];
