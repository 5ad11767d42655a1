/**
 * @module The emulator's state: one ordered key-value store, as a Cosmos app keeps it. A transaction
 * runs against a `CacheStore` overlay and is written through only when every message succeeded, so
 * a failed tx changes nothing (the chain's atomicity), without each module tracking its own undo.
 * Values are JSON values; keys are strings whose lexicographic order is the iteration order.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface KVStore {
  get<T extends JsonValue = JsonValue>(key: string): T | undefined;
  has(key: string): boolean;
  set(key: string, value: JsonValue): void;
  delete(key: string): void;
  /** Entries whose key starts with `prefix`, ascending by key (descending with `reverse`). */
  entries(prefix: string, options?: { reverse?: boolean }): Array<[string, JsonValue]>;
}

/** The committed store. */
export class MemoryStore implements KVStore {
  readonly #data = new Map<string, JsonValue>();

  get<T extends JsonValue = JsonValue>(key: string): T | undefined {
    return this.#data.get(key) as T | undefined;
  }
  has(key: string): boolean {
    return this.#data.has(key);
  }
  set(key: string, value: JsonValue): void {
    this.#data.set(key, value);
  }
  delete(key: string): void {
    this.#data.delete(key);
  }
  entries(prefix: string, options: { reverse?: boolean } = {}): Array<[string, JsonValue]> {
    const found: Array<[string, JsonValue]> = [];
    for (const [key, value] of this.#data) if (key.startsWith(prefix)) found.push([key, value]);
    found.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return options.reverse ? found.reverse() : found;
  }
  /** Everything, for the JSON snapshot. */
  dump(): Record<string, JsonValue> {
    return Object.fromEntries(this.#data);
  }
  static load(dump: Record<string, JsonValue>): MemoryStore {
    const store = new MemoryStore();
    for (const [key, value] of Object.entries(dump)) store.set(key, value);
    return store;
  }
}

const DELETED = Symbol("deleted");

/** Buffers writes over a parent store; `commit()` writes them through, dropping the overlay discards them. */
export class CacheStore implements KVStore {
  readonly #parent: KVStore;
  readonly #writes = new Map<string, JsonValue | typeof DELETED>();

  constructor(parent: KVStore) {
    this.#parent = parent;
  }

  get<T extends JsonValue = JsonValue>(key: string): T | undefined {
    const written = this.#writes.get(key);
    if (written === DELETED) return undefined;
    // Hand out copies so a caller mutating a returned object cannot bypass the overlay.
    if (written !== undefined) return structuredClone(written) as T;
    const value = this.#parent.get<T>(key);
    return value === undefined ? undefined : structuredClone(value);
  }
  has(key: string): boolean {
    const written = this.#writes.get(key);
    if (written === DELETED) return false;
    return written !== undefined || this.#parent.has(key);
  }
  set(key: string, value: JsonValue): void {
    this.#writes.set(key, structuredClone(value));
  }
  delete(key: string): void {
    this.#writes.set(key, DELETED);
  }
  entries(prefix: string, options: { reverse?: boolean } = {}): Array<[string, JsonValue]> {
    const merged = new Map(this.#parent.entries(prefix));
    for (const [key, value] of this.#writes) {
      if (!key.startsWith(prefix)) continue;
      if (value === DELETED) merged.delete(key);
      else merged.set(key, value);
    }
    const found = [...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return (options.reverse ? found.reverse() : found).map(([k, v]) => [k, structuredClone(v)]);
  }
  commit(): void {
    for (const [key, value] of this.#writes) {
      if (value === DELETED) this.#parent.delete(key);
      else this.#parent.set(key, value);
    }
    this.#writes.clear();
  }
}

/** Fixed-width key part for a u64 so that string order equals numeric order. */
export const heightKey = (height: number | bigint): string => BigInt(height).toString(16).padStart(16, "0");
