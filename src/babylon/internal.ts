/** @module Internal helpers of the Babylon readers: hex, BTC header fields, paging guard, bounded pool. */
import { bytesToHex } from "../crypto/index.ts";
import { BabylonInvalidResponseError } from "./errors.ts";

/** Lowercase hex without `0x`; `text` may carry a `0x` prefix. Throws on non-hex. */
export function normalizeHex(text: string, field: string): string {
  const hex = text.startsWith("0x") || text.startsWith("0X") ? text.slice(2) : text;
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new TypeError(`${field} is not hex: ${text}`);
  }
  return hex.toLowerCase();
}

export function numbersToHex(bytes: readonly number[]): string {
  return bytesToHex(Uint8Array.from(bytes));
}

/** A BTC header's miner timestamp (bytes 68..72, little-endian) from its 80-byte hex encoding. */
export function btcHeaderTime(headerHex: string, path: string): number {
  if (headerHex.length !== 160 || !/^[0-9a-fA-F]*$/.test(headerHex)) {
    throw new BabylonInvalidResponseError(
      path,
      `header_hex is not an 80-byte hex header: ${headerHex.slice(0, 24)}…`,
    );
  }
  const b = (i: number): number => Number.parseInt(headerHex.slice(i * 2, i * 2 + 2), 16);
  return (b(68) | (b(69) << 8) | (b(70) << 16) | (b(71) << 24)) >>> 0;
}

/** Display hex (as `hash_hex`) → raw hash bytes in internal order (a `MainChain` pagination key). */
export function displayHashToKey(hashHex: string): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[31 - i] = Number.parseInt(hashHex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Default and hard cap of pages one paginated read follows (a server looping `next_key` is garbage). */
export const MAX_PAGES = 10_000;

/** Collects every page of a key-paginated query, failing on a repeated `next_key` or too many pages. */
export async function collectPages<T>(
  path: string,
  fetchPage: (key: Uint8Array) => Promise<{ items: T[]; nextKey: Uint8Array | undefined }>,
): Promise<T[]> {
  const all: T[] = [];
  const seen = new Set<string>();
  let key: Uint8Array = new Uint8Array();
  for (let page = 0; page < MAX_PAGES; page++) {
    const { items, nextKey } = await fetchPage(key);
    all.push(...items);
    if (nextKey === undefined || nextKey.length === 0) return all;
    const keyHex = bytesToHex(nextKey);
    if (seen.has(keyHex)) throw new BabylonInvalidResponseError(path, "pagination next_key repeats");
    seen.add(keyHex);
    key = nextKey;
  }
  throw new BabylonInvalidResponseError(path, `more than ${MAX_PAGES} pages`);
}

/** Maps `items` with at most `concurrency` calls of `fn` in flight; keeps order; rejects on the first failure. */
export async function mapBounded<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}
