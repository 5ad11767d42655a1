/**
 * @module Parsing the hex inputs of Babylon queries and messages the way Babylon's Go code does, so
 * a malformed key fails with the text a node would give: `encoding/hex` errors, then
 * `schnorr.ParsePubKey` errors for a BIP-340 public key, `chainhash` errors for a hash.
 */
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { bytesToHex, hexToBytes } from "../../../../src/crypto/index.ts";

const HEX_DIGIT = /^[0-9a-fA-F]$/;
const FIELD_PRIME = secp256k1.Point.Fp.ORDER;

/** Go's `%#U` of a character: `U+0067 'g'`. */
function goRune(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  const hex = code.toString(16).toUpperCase().padStart(4, "0");
  return code >= 0x20 && code !== 0x7f ? `U+${hex} '${char}'` : `U+${hex}`;
}

/** `hex.DecodeString`: invalid characters are reported before an odd length. */
export function goHexDecode(text: string): Uint8Array {
  const chars = Array.from(text);
  for (let i = 0; i + 1 < chars.length; i += 2) {
    for (const c of [chars[i] as string, chars[i + 1] as string]) {
      if (!HEX_DIGIT.test(c)) throw new Error(`encoding/hex: invalid byte: ${goRune(c)}`);
    }
  }
  if (chars.length % 2 === 1) {
    const last = chars[chars.length - 1] as string;
    if (!HEX_DIGIT.test(last)) throw new Error(`encoding/hex: invalid byte: ${goRune(last)}`);
    throw new Error("encoding/hex: odd length hex string");
  }
  return hexToBytes(text);
}

/** `schnorr.ParsePubKey` on 32 bytes (x-only, even Y). */
export function goParseBip340PubKey(bytes: Uint8Array): Uint8Array {
  if (bytes.length !== 32) throw new Error(`malformed public key: invalid length: ${bytes.length}`);
  const x = BigInt(`0x${bytesToHex(bytes)}`);
  if (x >= FIELD_PRIME) throw new Error("invalid public key: x >= field prime");
  try {
    secp256k1.Point.fromHex(`02${bytesToHex(bytes)}`);
  } catch {
    throw new Error(`invalid public key: x coordinate ${bytesToHex(bytes)} is not on the secp256k1 curve`);
  }
  return bytes;
}

/** `bbn.NewBIP340PubKeyFromHex`: the key's canonical lowercase hex, or a Go-worded error. */
export function goBip340PubKeyHex(text: string): string {
  return bytesToHex(goParseBip340PubKey(goHexDecode(text)));
}

/** `chainhash.NewHashFromStr`: a display-hex hash (≤ 64 characters, zero-padded on the left). */
export function goChainHashHex(text: string): string {
  if (text.length > 64) throw new Error("max hash string length is 64 bytes");
  const padded = text.length % 2 === 1 ? `0${text}` : text;
  return bytesToHex(goHexDecode(padded)).padStart(64, "0");
}
