/**
 * @module Every Workers KV key the edge uses, built in one place (DESIGN.md "Caching"), plus the TTL clamp.
 * Pure: no KV types here, so it is unit-testable anywhere.
 *
 * | key                             | holds                                 | lifetime                          |
 * |---------------------------------|---------------------------------------|-----------------------------------|
 * | `fin/{chain}/{height}/{hash}`   | a finalized decision                  | forever (put only if absent)      |
 * | `tip/{chain}`                   | finalized tip `{height, hash, timestamp}` | forever, overwritten only forward |
 * | `power/{chain}/{btcHeight}`     | power table at a BTC height           | minutes (TTL)                     |
 * | `btc/{chain}/{height}`          | BTC header (hash, timestamp)          | forever (below the reorg margin)  |
 * | `cfg/{chain}`                   | finality contract config              | minutes (TTL)                     |
 * | `config/chains`                 | the chain registry JSON (operator-written) | until the operator changes it |
 * | `ans/{chain}/n/{height}`        | a finalized block answer's bytes (ETag in metadata), by height | forever |
 * | `ans/{chain}/h/{hash}`          | the same answer, by block hash        | forever                           |
 * | `ans/{chain}/t/{txHash}`        | a finalized transaction answer's bytes | forever                          |
 */
import { BaseError } from "../errors/base.ts";

/** Workers KV refuses an `expirationTtl` below 60 seconds. */
export const KV_MIN_TTL_SECONDS = 60;
/** Default lifetime of power tables and contract config. */
export const DEFAULT_TTL_SECONDS = 300;
/** KV key of the chain registry JSON, read when the `CHAINS` var declares no chain (src/chains/load.ts). */
export const CHAINS_CONFIG_KEY = "config/chains";

/** A key part that would make an ambiguous or unsafe key (a programming error: maps to 500). */
export class InvalidCacheKeyError extends BaseError {
  override name = "InvalidCacheKeyError";
  constructor(field: string, details: string) {
    super("invalid_cache_key", "Invalid cache key part", { field, details });
  }
}

/** A TTL that is not a positive finite number of seconds (a programming error: maps to 500). */
export class InvalidCacheTtlError extends BaseError {
  override name = "InvalidCacheTtlError";
  constructor(ttlSeconds: number) {
    super("invalid_cache_ttl", "Invalid cache TTL", {
      field: "ttlSeconds",
      details: `A cache TTL must be a positive finite number of seconds, got ${ttlSeconds}.`,
    });
  }
}

/**
 * Chain ids appear in URL paths and KV keys: lowercase letters, digits and inner hyphens, 1–64 characters,
 * so they never contain `/` or need escaping. The chain registry's schema enforces the same pattern.
 */
export const CHAIN_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const BLOCK_HASH = /^(?:0x)?([0-9a-fA-F]{64})$/;

function chainSegment(chain: string): string {
  if (!CHAIN_ID_PATTERN.test(chain)) {
    throw new InvalidCacheKeyError("chain", `Chain ids in keys are slugs; ${JSON.stringify(chain)} is not.`);
  }
  return chain;
}

function heightSegment(height: number, field = "height"): string {
  if (!Number.isSafeInteger(height) || height < 0) {
    throw new InvalidCacheKeyError(field, `A height must be a non-negative safe integer, got ${height}.`);
  }
  return String(height);
}

/** A 32-byte block hash as `0x` + 64 lowercase hex digits, whatever case or prefix it came with. */
export function normalizeBlockHash(hash: string): `0x${string}` {
  const match = BLOCK_HASH.exec(hash);
  if (!match?.[1]) {
    throw new InvalidCacheKeyError("hash", "A block hash must be 32 bytes of hex (64 digits, optional 0x).");
  }
  return `0x${match[1].toLowerCase()}`;
}

export const finalizedDecisionKey = (chain: string, height: number, hash: string): string =>
  `fin/${chainSegment(chain)}/${heightSegment(height)}/${normalizeBlockHash(hash)}`;
export const tipKey = (chain: string): string => `tip/${chainSegment(chain)}`;
export const powerTableKey = (chain: string, btcHeight: number): string =>
  `power/${chainSegment(chain)}/${heightSegment(btcHeight, "btcHeight")}`;
/** The prefix of every power table of `chain`. */
export const powerTablePrefix = (chain: string): string => `power/${chainSegment(chain)}/`;
/** Per consumer chain: chains may sit on different Babylon networks, whose BTC light clients differ. */
export const btcHeaderKey = (chain: string, height: number): string =>
  `btc/${chainSegment(chain)}/${heightSegment(height)}`;
export const contractConfigKey = (chain: string): string => `cfg/${chainSegment(chain)}`;

/** How a finalized answer is looked up: a block by height or hash, or a transaction by hash. */
export type AnswerId = { kind: "number"; number: number } | { kind: "hash" | "tx"; hash: string };

/** `ans/{chain}/n/{height}`, `ans/{chain}/h/{hash}`, `ans/{chain}/t/{txHash}`: a finalized answer as served. */
export function answerKey(chain: string, id: AnswerId): string {
  const base = `ans/${chainSegment(chain)}`;
  if (id.kind === "number") return `${base}/n/${heightSegment(id.number)}`;
  return `${base}/${id.kind === "hash" ? "h" : "t"}/${normalizeBlockHash(id.hash)}`;
}

/** A TTL KV accepts: whole seconds, at least {@link KV_MIN_TTL_SECONDS}. */
export function clampTtl(ttlSeconds: number): number {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) throw new InvalidCacheTtlError(ttlSeconds);
  return Math.max(KV_MIN_TTL_SECONDS, Math.ceil(ttlSeconds));
}
