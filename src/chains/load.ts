/**
 * @module Loads the chain registry for a request, memoized per isolate.
 *
 * Precedence:
 * 1. the `CHAINS` var, whenever it declares at least one chain — or is anything but an empty list: invalid
 *    JSON there is an error, never a silent fall-through;
 * 2. otherwise (`CHAINS` unset, blank or `[]`, the wrangler.toml default) the KV key `config/chains` in
 *    `FINALITY_KV`, read with a 60 s edge cache;
 * 3. otherwise an empty registry (every chain is then unknown: 404).
 *
 * The memo holds parsed configuration only, keyed by the raw JSON string, so a changed var or KV value is
 * picked up on the next request; no I/O promise is ever kept at module scope. Invalid JSON is not memoized.
 */
import { CHAINS_CONFIG_KEY } from "../cache/keys.ts";
import { ChainRegistry, parseChainRegistry } from "./registry.ts";

/** The bindings the loader reads; the Worker's `Env` satisfies it. */
export type ChainRegistryEnv = {
  CHAINS?: string | undefined;
  FINALITY_KV?: { get(key: string, options?: { cacheTtl?: number }): Promise<string | null> } | undefined;
};

/** How long a KV read of the registry may be served from the edge cache. */
export const CHAINS_KV_CACHE_TTL_SECONDS = 60;

const EMPTY_LIST = /^\s*(?:\[\s*\])?\s*$/;
const EMPTY_REGISTRY = new ChainRegistry([]);

let memo: { raw: string; registry: ChainRegistry } | undefined;

export async function loadChainRegistry(env: ChainRegistryEnv): Promise<ChainRegistry> {
  const fromVar = env.CHAINS;
  if (fromVar !== undefined && !EMPTY_LIST.test(fromVar)) return memoized(fromVar, "the CHAINS var");
  const fromKv = await env.FINALITY_KV?.get(CHAINS_CONFIG_KEY, { cacheTtl: CHAINS_KV_CACHE_TTL_SECONDS });
  if (fromKv === undefined || fromKv === null || EMPTY_LIST.test(fromKv)) return EMPTY_REGISTRY;
  return memoized(fromKv, `the KV key ${CHAINS_CONFIG_KEY}`);
}

function memoized(raw: string, source: string): ChainRegistry {
  if (memo?.raw === raw) return memo.registry;
  const registry = parseChainRegistry(raw, source);
  memo = { raw, registry };
  return registry;
}
