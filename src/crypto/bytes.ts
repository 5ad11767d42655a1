/** @module Byte helpers: strict hex, cosmwasm-compatible base64, concatenation, big-endian u64. */
import {
  bytesToHex as nobleBytesToHex,
  concatBytes as nobleConcatBytes,
  hexToBytes as nobleHexToBytes,
} from "@noble/hashes/utils.js";
import {
  InvalidBase64Error,
  InvalidHexError,
  type InvalidHexErrorDetail,
  InvalidLengthError,
  InvalidUint64Error,
} from "./errors.ts";

const HEX_RE = /^[0-9a-fA-F]*$/;
const U64_MAX = (1n << 64n) - 1n;

/** Lowercase hex, no prefix. */
export function bytesToHex(bytes: Uint8Array): string {
  return nobleBytesToHex(bytes);
}

/**
 * Strict hex decoding: even length and only [0-9a-fA-F]; no `0x` prefix, no whitespace. Checked here
 * (not left to noble) so the failure is a typed {@link InvalidHexError} whose `detail` is what Rust's
 * `hex::decode` (the contract's decoder) reports: odd length in UTF-8 bytes first, then the first
 * offending character and its position.
 */
export function hexToBytes(hex: string, field?: string): Uint8Array {
  if (hex.length % 2 === 0 && HEX_RE.test(hex)) return nobleHexToBytes(hex);
  throw new InvalidHexError(hexFailure(hex), { field });
}

/** Why `hex` (known to be invalid) fails, judged the way the Rust `hex` crate judges it. */
function hexFailure(hex: string): InvalidHexErrorDetail {
  const length = utf8ToBytes(hex).length;
  if (length % 2 !== 0) return { reason: "odd_length", length };
  // Every character before the first non-digit is one ASCII byte: string index = UTF-8 byte offset.
  const position = hex.search(/[^0-9a-fA-F]/);
  return {
    reason: "invalid_character",
    character: String.fromCodePoint(hex.codePointAt(position) as number),
    position,
  };
}

/** Concatenates byte arrays into a new array. */
export function concatBytes(...arrays: Uint8Array[]): Uint8Array {
  return nobleConcatBytes(...arrays);
}

/** Constant-shape byte equality (length, then every byte). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** UTF-8 encoding of a string. */
export function utf8ToBytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/**
 * Validates an unsigned 64-bit integer given as `number` or `bigint` and returns it as a bigint.
 * Numbers must be safe integers: above 2^53 a `number` no longer names one integer, so accepting it
 * could silently sign or hash a different height than the caller meant.
 */
export function toUint64(value: number | bigint, field?: string): bigint {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 0) throw new InvalidUint64Error(value, { field });
    return BigInt(value);
  }
  if (typeof value === "bigint") {
    if (value < 0n || value > U64_MAX) throw new InvalidUint64Error(value, { field });
    return value;
  }
  throw new InvalidUint64Error(value, { field });
}

/** 8-byte big-endian encoding (`BE64`) of an unsigned 64-bit integer. */
export function u64ToBigEndian(value: number | bigint, field?: string): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, toUint64(value, field), false);
  return out;
}

/** Throws {@link InvalidLengthError} unless `bytes` has exactly `length` bytes. */
export function assertLength(bytes: Uint8Array, length: number, field?: string): void {
  if (bytes.length !== length) throw new InvalidLengthError(length, bytes.length, { field });
}

const B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_DECODE = (() => {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < B64_ALPHABET.length; i++) table[B64_ALPHABET.charCodeAt(i)] = i;
  return table;
})();

/** Standard-alphabet base64 with padding (what cosmwasm's `Binary` serializes). */
export function bytesToBase64(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out +=
      B64_ALPHABET.charAt(n >>> 18) +
      B64_ALPHABET.charAt((n >>> 12) & 63) +
      B64_ALPHABET.charAt((n >>> 6) & 63) +
      B64_ALPHABET.charAt(n & 63);
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] as number) << 16;
    out += `${B64_ALPHABET.charAt(n >>> 18)}${B64_ALPHABET.charAt((n >>> 12) & 63)}==`;
  } else if (rest === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    out += `${B64_ALPHABET.charAt(n >>> 18)}${B64_ALPHABET.charAt((n >>> 12) & 63)}${B64_ALPHABET.charAt((n >>> 6) & 63)}=`;
  }
  return out;
}

/**
 * Standard-alphabet base64 decoding with the acceptance rules of cosmwasm's `Binary` (the Rust
 * `base64` engine with padding mode "indifferent"): padding is optional and may be partial, but
 * `=` may only appear at the end and in the 3rd/4th position of the last quad; a lone trailing
 * symbol (length ≡ 1 mod 4) and non-zero unused trailing bits are rejected; no whitespace, no
 * URL-safe alphabet.
 */
export function base64ToBytes(text: string, field?: string): Uint8Array {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61 /* = */) end--;
  const padding = text.length - end;
  const rem = end % 4;
  if (rem === 1) throw new InvalidBase64Error("Invalid base64 length", { field });
  // Each `=` must sit at position 2 or 3 of a quad: after 2 symbols up to two, after 3 symbols one.
  if (padding > 0 && (rem === 0 || padding > 4 - rem)) {
    throw new InvalidBase64Error("Invalid base64 padding", { field });
  }
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? (B64_DECODE[code] as number) : -1;
    if (value < 0) {
      throw new InvalidBase64Error(`Invalid base64 character ${JSON.stringify(text[i])} at position ${i}`, {
        field,
      });
    }
    acc = ((acc << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
  }
  // Leftover bits that do not form a byte must be zero, else two texts would decode to one value.
  if (bits > 0 && (acc & ((1 << bits) - 1)) !== 0) {
    throw new InvalidBase64Error("Invalid last base64 symbol: non-zero trailing bits", { field });
  }
  return out;
}
