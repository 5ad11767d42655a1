/**
 * @module Bitcoin block headers: the 80-byte encoding (version, previous-block hash, merkle root,
 * time, bits, nonce; integers little-endian, hashes in internal byte order), the block hash
 * (double SHA-256, shown byte-reversed), and proof-of-work arithmetic (compact `bits` → target,
 * `CalcWork` = 2^256 / (target + 1)).
 */
import { bytesToHex, equalBytes, hexToBytes } from "../../../../src/crypto/index.ts";
import { doubleSha256, reversedHex } from "./synthetic.ts";

export const HEADER_LENGTH = 80;

/** Regtest's proof-of-work limit: the easiest target a header can claim (work 2 per header). */
export const REGTEST_BITS = 0x207f_ffff;

/** BIP-9 version bits with no deployment signalled. */
export const HEADER_VERSION = 0x2000_0000;

export type BtcHeader = {
  version: number;
  /** Previous block's hash, internal byte order (as inside the header). */
  prevBlock: Uint8Array;
  merkleRoot: Uint8Array;
  /** Unix seconds. */
  time: number;
  bits: number;
  nonce: number;
};

export function encodeHeader(header: BtcHeader): Uint8Array {
  if (header.prevBlock.length !== 32 || header.merkleRoot.length !== 32) {
    throw new Error("prevBlock and merkleRoot must be 32 bytes");
  }
  const out = new Uint8Array(HEADER_LENGTH);
  const view = new DataView(out.buffer);
  view.setInt32(0, header.version, true);
  out.set(header.prevBlock, 4);
  out.set(header.merkleRoot, 36);
  view.setUint32(68, header.time, true);
  view.setUint32(72, header.bits, true);
  view.setUint32(76, header.nonce, true);
  return out;
}

export function decodeHeader(bytes: Uint8Array): BtcHeader {
  if (bytes.length !== HEADER_LENGTH) throw new Error(`A BTC header is 80 bytes, got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    version: view.getInt32(0, true),
    prevBlock: bytes.slice(4, 36),
    merkleRoot: bytes.slice(36, 68),
    time: view.getUint32(68, true),
    bits: view.getUint32(72, true),
    nonce: view.getUint32(76, true),
  };
}

/** The block hash in internal byte order. */
export function headerHash(headerBytes: Uint8Array): Uint8Array {
  return doubleSha256(headerBytes);
}

/** Display hex (byte-reversed, as Bitcoin Core and Babylon's `hash_hex` show it). */
export function hashDisplayHex(hashInternal: Uint8Array): string {
  return reversedHex(hashInternal);
}

/** Internal-order bytes of a display-hex hash. */
export function hashFromDisplayHex(displayHex: string): Uint8Array {
  return hexToBytes(displayHex).reverse();
}

/** The target a compact `bits` value encodes (negative or overflowing encodings are rejected). */
export function bitsToTarget(bits: number): bigint {
  const exponent = bits >>> 24;
  const mantissa = BigInt(bits & 0x007f_ffff);
  if ((bits & 0x0080_0000) !== 0) throw new Error("negative compact target");
  return exponent <= 3 ? mantissa >> BigInt(8 * (3 - exponent)) : mantissa << BigInt(8 * (exponent - 3));
}

/** `blockchain.CalcWork`: the expected number of hashes for a header with these bits. */
export function workForBits(bits: number): bigint {
  const target = bitsToTarget(bits);
  return target <= 0n ? 0n : (1n << 256n) / (target + 1n);
}

/** The hash read as the little-endian 256-bit number proof-of-work compares with the target. */
export function hashAsNumber(hashInternal: Uint8Array): bigint {
  return BigInt(`0x${bytesToHex(Uint8Array.from(hashInternal).reverse())}`);
}

export function meetsTarget(headerBytes: Uint8Array): boolean {
  const { bits } = decodeHeader(headerBytes);
  return hashAsNumber(headerHash(headerBytes)) <= bitsToTarget(bits);
}

/** The header with the first nonce (from 0) whose hash meets its target: real, if trivial, work. */
export function mineHeader(header: Omit<BtcHeader, "nonce">): { bytes: Uint8Array; hash: Uint8Array } {
  const target = bitsToTarget(header.bits);
  for (let nonce = 0; nonce <= 0xffff_ffff; nonce++) {
    const bytes = encodeHeader({ ...header, nonce });
    const hash = headerHash(bytes);
    if (hashAsNumber(hash) <= target) return { bytes, hash };
  }
  throw new Error("no nonce meets the target");
}

/** Whether `child` names `parent` as its previous block. */
export function linksTo(child: Uint8Array, parent: Uint8Array): boolean {
  return equalBytes(decodeHeader(child).prevBlock, headerHash(parent));
}
