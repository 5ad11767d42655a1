/**
 * @module Byte and time encodings as CometBFT writes them: uppercase hex for hashes and RFC 3339 with
 * nanoseconds (trailing zeros trimmed, as Go's `time.RFC3339Nano`). Hex, base64, UTF-8 and the
 * RFC 6962 merkle tree come from the crypto core (`src/crypto`); sha256 here is Node's native one,
 * which the block and tx hot paths use.
 */
import { createHash } from "node:crypto";
import { bytesToHex } from "../../../src/crypto/index.ts";

export const sha256 = (data: Uint8Array): Uint8Array =>
  new Uint8Array(createHash("sha256").update(data).digest());

/** Uppercase hex, as CometBFT prints hashes (`HexBytes`). */
export const upperHex = (bytes: Uint8Array): string => bytesToHex(bytes).toUpperCase();

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
