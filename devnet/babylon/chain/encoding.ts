/**
 * @module Byte and time encodings as CometBFT writes them: uppercase hex for hashes, base64 for
 * bytes, RFC 3339 with nanoseconds (trailing zeros trimmed, as Go's `time.RFC3339Nano`), and the
 * RFC 6962 merkle tree CometBFT hashes tx lists and results with.
 */
import { createHash } from "node:crypto";

export const sha256 = (data: Uint8Array): Uint8Array =>
  new Uint8Array(createHash("sha256").update(data).digest());

export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex").toUpperCase();
export const fromHex = (hex: string): Uint8Array => {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new Error(`invalid hex: ${hex}`);
  return new Uint8Array(Buffer.from(hex, "hex"));
};
export const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");
export const fromBase64 = (text: string): Uint8Array => {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1)
    throw new Error(`invalid base64: ${text}`);
  return new Uint8Array(Buffer.from(text, "base64"));
};
export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** A block time: milliseconds since the epoch plus extra nanoseconds (0–999999) for realism. */
export type Timestamp = { ms: number; nanos: number };

/** Go's `time.Time.MarshalJSON` in UTC: RFC 3339 with up to 9 fractional digits, trailing zeros removed. */
export function rfc3339Nano(time: Timestamp): string {
  const iso = new Date(time.ms).toISOString(); // 2024-01-02T03:04:05.678Z
  const base = iso.slice(0, 19);
  const fraction = `${iso.slice(20, 23)}${String(time.nanos).padStart(6, "0")}`.replace(/0+$/, "");
  return fraction ? `${base}.${fraction}Z` : `${base}Z`;
}

/** Seconds and nanoseconds of a timestamp (protobuf `google.protobuf.Timestamp`). */
export function timestampParts(time: Timestamp): { seconds: bigint; nanos: number } {
  const seconds = Math.floor(time.ms / 1000);
  return { seconds: BigInt(seconds), nanos: (time.ms - seconds * 1000) * 1_000_000 + time.nanos };
}

const leafHash = (leaf: Uint8Array): Uint8Array => sha256(Buffer.concat([Buffer.from([0]), leaf]));
const innerHash = (left: Uint8Array, right: Uint8Array): Uint8Array =>
  sha256(Buffer.concat([Buffer.from([1]), left, right]));
/** Largest power of two strictly less than `n` (n ≥ 2). */
const splitPoint = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

/** CometBFT `merkle.HashFromByteSlices`: sha256 of nothing for an empty list. */
export function merkleRoot(items: readonly Uint8Array[]): Uint8Array {
  if (items.length === 0) return sha256(new Uint8Array());
  if (items.length === 1) return leafHash(items[0] as Uint8Array);
  const k = splitPoint(items.length);
  return innerHash(merkleRoot(items.slice(0, k)), merkleRoot(items.slice(k)));
}

export type MerkleProof = { total: number; index: number; leafHash: Uint8Array; aunts: Uint8Array[] };

/** CometBFT `merkle.ProofsFromByteSlices` for one index: the aunts from the leaf upwards. */
export function merkleProof(items: readonly Uint8Array[], index: number): MerkleProof {
  const aunts: Uint8Array[] = [];
  const walk = (slice: readonly Uint8Array[], i: number): void => {
    if (slice.length <= 1) return;
    const k = splitPoint(slice.length);
    if (i < k) {
      walk(slice.slice(0, k), i);
      aunts.push(merkleRoot(slice.slice(k)));
    } else {
      walk(slice.slice(k), i - k);
      aunts.push(merkleRoot(slice.slice(0, k)));
    }
  };
  walk(items, index);
  return { total: items.length, index, leafHash: leafHash(items[index] as Uint8Array), aunts };
}
