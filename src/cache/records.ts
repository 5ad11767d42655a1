/**
 * @module The shapes stored under each KV key and the JSON codec. Values read back are validated: a value
 * that does not parse or validate is treated as a miss (the caller recomputes) — fail closed, never guess.
 *
 * Stored shapes are the readers' own types (`src/babylon`); a decision is any JSON-ish object with
 * `finalized` (e.g. `src/finality` `Decision`, whose heights are bigints).
 */
import { z } from "zod";
import { normalizeBlockHash } from "./keys.ts";

/** The minimum a cached decision has: the answer to "is it BTC-finalized?". Only `true` is ever stored. */
export type DecisionLike = { readonly finalized: boolean };

/** The highest finalized L2 block known for a chain. `timestamp` is the L2 block's, in Unix seconds. */
export type FinalizedTip = {
  height: number;
  hash: `0x${string}`;
  timestamp: number;
  /** When the tip was written, unix seconds (optional: tips stored before it was added have none). */
  updatedAt?: number;
};

import type { BtcHeaderInfo, ContractConfig, PowerTable, PowerTableEntry } from "../babylon/index.ts";

export type { ContractConfig, PowerTable, PowerTableEntry };
/** A BTC header as the finality rule needs it: the Babylon reader's shape. */
export type BtcHeader = BtcHeaderInfo;

// ---------------------------------------------------------------------------------------------------------------
// JSON with bigints: each bigint is stored as `{"$bigint": "<decimal>"}` (a string inside, so nothing is lost
// beyond 2^53), and revived on read. Maps and Sets would silently become `{}`: they are refused.

const BIGINT_TAG = "$bigint";
const DECIMAL = /^-?(?:0|[1-9][0-9]*)$/;

/** `JSON.stringify` that keeps bigints (tagged, as decimal strings). Throws a TypeError on Map/Set/undefined. */
export function encodeJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, inner: unknown) => {
    if (typeof inner === "bigint") return { [BIGINT_TAG]: inner.toString() };
    if (inner instanceof Map || inner instanceof Set) throw new TypeError("Map and Set are not JSON values");
    return inner;
  });
  if (text === undefined) throw new TypeError("not a JSON value");
  return text;
}

/** The inverse of {@link encodeJson}. Throws a SyntaxError on malformed JSON. */
export function decodeJson(text: string): unknown {
  return JSON.parse(text, (_key, inner: unknown) => {
    if (typeof inner === "object" && inner !== null && !Array.isArray(inner)) {
      const tagged = (inner as Record<string, unknown>)[BIGINT_TAG];
      if (Object.keys(inner).length === 1 && typeof tagged === "string" && DECIMAL.test(tagged)) {
        return BigInt(tagged);
      }
    }
    return inner;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Schemas, applied before writing and after reading.

const height = z.int().min(0);
const unixSeconds = z.int().min(0);
const sats = z.bigint().min(0n, { error: "must be a non-negative bigint" });

export const finalizedDecisionSchema = z.looseObject({ finalized: z.literal(true) });

export const tipSchema = z.object({
  height,
  hash: z.string().transform((hash, ctx) => {
    try {
      return normalizeBlockHash(hash);
    } catch {
      ctx.addIssue({ code: "custom", message: "must be a 32-byte block hash" });
      return z.NEVER;
    }
  }),
  timestamp: unixSeconds,
  updatedAt: unixSeconds.optional(),
});

export const powerTableSchema = z.object({
  btcHeight: height,
  totalPower: sats,
  providers: z.array(
    z.object({
      btcPk: z.string().regex(/^[0-9a-f]{64}$/, { error: "must be a 32-byte x-only key, lowercase hex" }),
      power: sats,
      slashed: z.boolean(),
    }),
  ),
});

export const btcHeaderSchema = z.object({
  height,
  hash: z
    .string()
    .transform((hash) => hash.toLowerCase())
    .pipe(z.string().regex(/^[0-9a-f]{64}$/, { error: "must be 64 hex digits" })),
  timestamp: unixSeconds,
});

export const contractConfigSchema = z.object({
  bsnId: z.string().min(1),
  activationHeight: height,
  interval: z.int().min(1),
  minPubRand: z.int().min(0),
  rateLimiting: z.object({ blockInterval: z.int().min(0), maxMsgsPerInterval: z.int().min(0) }),
});
