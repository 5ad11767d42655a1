/**
 * @module Cosmos SDK `query.Paginate` over the emulator's ordered KV store. Keys below a prefix are
 * lowercase hex of the raw store key, so string order is byte order and `next_key` is the raw bytes
 * of the next entry's key, as on a chain. Semantics mirrored: `offset` and `key` are exclusive;
 * `limit` 0 means 100 and forces `count_total`; with a `key` the page starts at that key (inclusive,
 * downwards when `reverse`) and no total is reported; `next_key` is empty on the last page.
 */
import type {
  PageRequest,
  PageResponse,
} from "@babylonlabs-io/babylon-proto-ts/dist/generated/cosmos/base/query/v1beta1/pagination";
import { bytesToHex, hexToBytes } from "../../../../src/crypto/index.ts";
import type { JsonValue, KVStore } from "../../store/kv-store.ts";
import { queryError } from "./query-errors.ts";

export const DEFAULT_PAGE_LIMIT = 100;

export type Page<T> = { items: T[]; pagination: PageResponse };

/**
 * One page of the entries under `prefix` (keys `prefix + hex(rawKey)`), mapped with `toItem`
 * (which receives the raw key hex). Errors like `Paginate` does: a key and an offset together.
 */
export function paginate<T>(
  store: KVStore,
  prefix: string,
  request: PageRequest | undefined,
  toItem: (keyHex: string, value: JsonValue) => T,
): Page<T> {
  const entries = store.entries(prefix).map(([key, value]) => [key.slice(prefix.length), value] as const);
  return paginateEntries(entries, request, toItem);
}

/** `paginate` over already ordered `[rawKeyHex, value]` entries (ascending by key). */
export function paginateEntries<V, T>(
  entries: ReadonlyArray<readonly [string, V]>,
  request: PageRequest | undefined,
  toItem: (keyHex: string, value: V) => T,
): Page<T> {
  const key = request?.key ?? new Uint8Array();
  const offset = request?.offset ?? 0;
  let limit = request?.limit ?? 0;
  let countTotal = request?.countTotal ?? false;
  const reverse = request?.reverse ?? false;
  if (offset > 0 && key.length > 0) {
    throw queryError.plain("invalid request, either offset or key is expected, got both");
  }
  if (limit === 0) {
    limit = DEFAULT_PAGE_LIMIT;
    countTotal = true;
  }
  const ordered = reverse ? [...entries].reverse() : entries;
  const items: T[] = [];
  let nextKey: Uint8Array = new Uint8Array();

  if (key.length > 0) {
    const keyHex = bytesToHex(key);
    // The store iterator starts at the first key ≥ `key`; reversed, the SDK's iterator ends just past
    // that entry (or at the very end when none is ≥ `key`) and walks down from there.
    let start = entries.findIndex(([k]) => k >= keyHex);
    if (reverse) start = start === -1 ? 0 : entries.length - 1 - start;
    if (start === -1) return { items, pagination: { nextKey, total: 0 } };
    for (let i = start; i < ordered.length; i++) {
      const entry = ordered[i] as readonly [string, V];
      if (items.length === limit) {
        nextKey = hexToBytes(entry[0]);
        break;
      }
      items.push(toItem(entry[0], entry[1]));
    }
    return { items, pagination: { nextKey, total: 0 } };
  }

  const end = offset + limit;
  let hits = 0;
  for (const [k, v] of ordered) {
    hits++;
    if (hits <= offset) continue;
    if (hits <= end) items.push(toItem(k, v));
    else if (hits === end + 1) {
      nextKey = hexToBytes(k);
      if (!countTotal) break;
    }
  }
  return { items, pagination: { nextKey, total: countTotal ? hits : 0 } };
}
