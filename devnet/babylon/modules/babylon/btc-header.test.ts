import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes } from "../../../../src/crypto/index.ts";
import {
  bitsToTarget,
  decodeHeader,
  encodeHeader,
  hashDisplayHex,
  hashFromDisplayHex,
  headerHash,
  meetsTarget,
  mineHeader,
  REGTEST_BITS,
  workForBits,
} from "./btc-header.ts";
import { doubleSha256 } from "./synthetic.ts";

// Bitcoin's genesis block header: a known answer for the encoding, the hash and the work.
const GENESIS_HEADER =
  "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c";
const GENESIS_HASH = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";

describe("BTC header encoding", () => {
  it("decodes and re-encodes Bitcoin's genesis header, whose hash is the known one", () => {
    const bytes = hexToBytes(GENESIS_HEADER);
    const header = decodeHeader(bytes);
    expect(header).toMatchObject({ version: 1, time: 1231006505, bits: 0x1d00ffff, nonce: 2083236893 });
    expect(bytesToHex(header.prevBlock)).toBe("00".repeat(32));
    expect(bytesToHex(encodeHeader(header))).toBe(GENESIS_HEADER);
    expect(hashDisplayHex(headerHash(bytes))).toBe(GENESIS_HASH);
    expect(bytesToHex(headerHash(bytes))).toBe(bytesToHex(doubleSha256(bytes)));
    expect(meetsTarget(bytes)).toBe(true);
    expect(bytesToHex(hashFromDisplayHex(GENESIS_HASH))).toBe(bytesToHex(headerHash(bytes)));
  });

  it("computes targets and work like btcd (CalcWork)", () => {
    expect(bitsToTarget(0x1d00ffff)).toBe(0xffffn << 208n);
    expect(workForBits(0x1d00ffff)).toBe(4295032833n);
    expect(workForBits(REGTEST_BITS)).toBe(2n);
  });

  it("mines a regtest-difficulty header whose hash meets its target", () => {
    const { bytes, hash } = mineHeader({
      version: 0x20000000,
      prevBlock: new Uint8Array(32).fill(7),
      merkleRoot: new Uint8Array(32).fill(9),
      time: 1_767_225_600,
      bits: REGTEST_BITS,
    });
    expect(bytes).toHaveLength(80);
    expect(meetsTarget(bytes)).toBe(true);
    expect(bytesToHex(hash)).toBe(bytesToHex(doubleSha256(bytes)));
    expect(decodeHeader(bytes).time).toBe(1_767_225_600);
  });
});
