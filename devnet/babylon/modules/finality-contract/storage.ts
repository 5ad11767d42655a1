/**
 * @module The contract's storage: one key prefix per instance over the chain's KV store (the
 * emulator's counterpart of wasmd's per-contract prefix store; gas is the store's business). Key
 * layout follows cw-storage-plus order: u64 key parts are fixed-width (`heightKey`) so string
 * order is numeric order; byte parts are lowercase hex.
 *
 * The store has no bounded range reads (`entries` returns a whole prefix, and a metered store
 * charges for all of it), so hot paths use point reads; see the commit index.
 */
import { heightKey, type JsonValue, type KVStore } from "../../store/kv-store.ts";

/** Prefix of one contract instance's state in the chain store. */
export const contractStatePrefix = (contractAddress: string): string => `wasm/state/${contractAddress}/`;

export class ContractStorage {
  readonly #kv: KVStore;
  readonly #prefix: string;

  constructor(kv: KVStore, contractAddress: string) {
    this.#kv = kv;
    this.#prefix = contractStatePrefix(contractAddress);
  }

  get<T extends JsonValue = JsonValue>(key: string): T | undefined {
    return this.#kv.get<T>(this.#prefix + key);
  }

  set(key: string, value: JsonValue): void {
    this.#kv.set(this.#prefix + key, value);
  }

  delete(key: string): void {
    this.#kv.delete(this.#prefix + key);
  }

  /** Entries under `prefix`, ascending (descending with `reverse`), as `[key without prefix, value]`. */
  range(prefix: string, options: { reverse?: boolean } = {}): Array<[string, JsonValue]> {
    const full = this.#prefix + prefix;
    return this.#kv.entries(full, options).map(([key, value]) => [key.slice(full.length), value]);
  }
}

/** A u64 in storage: a JSON number while exact, else its decimal string. */
export type StoredU64 = number | string;

export const storeU64 = (value: bigint): StoredU64 =>
  value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();

export const loadU64 = (value: JsonValue | undefined): bigint => {
  if (typeof value === "number" || typeof value === "string") return BigInt(value);
  throw new TypeError(`corrupt u64 in contract storage: ${JSON.stringify(value)}`);
};

/** A u64 in a JSON answer: a number while exact, else a `bigint` (written as a plain integer). */
export const jsonU64 = (value: bigint): number | bigint =>
  value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;

/** Fixed-width key part for a u64 (`heightKey`), and back. */
export const u64Key = (value: bigint): string => heightKey(value);
export const u64FromKey = (part: string): bigint => BigInt(`0x${part}`);

/** Bytes ↔ the JSON array of integers cosmwasm writes for `Vec<u8>`. */
export const bytesToJson = (bytes: Uint8Array): number[] => Array.from(bytes);
export const bytesFromJson = (value: JsonValue | undefined): Uint8Array => {
  if (!Array.isArray(value)) throw new TypeError("corrupt byte array in contract storage");
  return Uint8Array.from(value as number[]);
};
