import { toBech32 } from "@cosmjs/encoding";
import { describe, expect, it } from "vitest";
import { decodeAndConvert, GoBech32Error } from "./go-bech32.ts";

const DATA = Uint8Array.from({ length: 20 }, (_, i) => i * 13);
const VALID = toBech32("bbn", DATA);
const failure = (address: string) => {
  try {
    decodeAndConvert(address);
  } catch (error) {
    expect(error).toBeInstanceOf(GoBech32Error);
    return (error as Error).message;
  }
  throw new Error(`${address} decoded`);
};

describe("decodeAndConvert: bech32 as the Go SDK decodes it", () => {
  it("decodes lower- and upper-case strings to the same hrp (lower case) and bytes", () => {
    expect(decodeAndConvert(VALID)).toEqual({ hrp: "bbn", data: DATA });
    expect(decodeAndConvert(VALID.toUpperCase())).toEqual({ hrp: "bbn", data: DATA });
  });

  it("refuses lengths outside 8..1023 bytes (UTF-8 bytes, as Go counts)", () => {
    expect(failure("bbn1qqq")).toBe("decoding bech32 failed: invalid bech32 string length 7");
    const long = toBech32("bbn", new Uint8Array(700), 2000);
    expect(long.length).toBeGreaterThan(1023);
    expect(failure(long)).toBe(`decoding bech32 failed: invalid bech32 string length ${long.length}`);
    // 1023 characters decode: the SDK's limit, not BIP-173's 90.
    const atLimit = toBech32("bbn", new Uint8Array(633), 2000);
    expect(atLimit.length).toBe(1023);
    expect(decodeAndConvert(atLimit).data).toHaveLength(633);
    expect(failure(`${atLimit}q`)).toBe("decoding bech32 failed: invalid bech32 string length 1024");
  });

  it("refuses bytes outside 33..126, printing the byte as a code point", () => {
    expect(failure("bbn1 qqqqqqqq")).toBe("decoding bech32 failed: invalid character in string: ' '");
    // "é" is two UTF-8 bytes; the first, 0xC3, is what Go reports.
    expect(failure("bbn1éqqqqqqq")).toBe("decoding bech32 failed: invalid character in string: 'Ã'");
  });

  it("refuses mixed case, a misplaced separator and characters outside the charset", () => {
    expect(failure(`B${VALID.slice(1)}`)).toBe(
      "decoding bech32 failed: string not all lowercase or all uppercase",
    );
    expect(failure("notanaddress")).toBe("decoding bech32 failed: invalid separator index -1");
    expect(failure("1qqqqqqqqq")).toBe("decoding bech32 failed: invalid separator index 0");
    expect(failure("bbnqqqqq1qqqqq")).toBe("decoding bech32 failed: invalid separator index 8");
    expect(failure("bbn1qqqqbqqqqqq")).toBe(
      "decoding bech32 failed: invalid character not part of charset: 98",
    );
  });

  it("names the expected checksum (computed from hrp and payload) and the one written", () => {
    const last = VALID.at(-1) === "q" ? "p" : "q";
    const broken = `${VALID.slice(0, -1)}${last}`;
    expect(failure(broken)).toBe(
      `decoding bech32 failed: invalid checksum (expected ${VALID.slice(-6)} got ${broken.slice(-6)})`,
    );
    // A payload change: the expected checksum is the one of the changed payload.
    const payloadChanged = `${VALID.slice(0, 5)}${VALID[5] === "q" ? "p" : "q"}${VALID.slice(6)}`;
    const reencoded = toBech32("bbn", decodeWithoutChecksum(payloadChanged));
    expect(failure(payloadChanged)).toBe(
      `decoding bech32 failed: invalid checksum (expected ${reencoded.slice(-6)} got ${VALID.slice(-6)})`,
    );
  });

  it("refuses leftover bits that are not zero or a group over 4 bits", () => {
    // 21 bytes of 8 bits are 168 bits = 33.6 groups: a valid 34-group payload whose 2 pad bits are set.
    const groups = Array.from(toBech32("bbn", new Uint8Array(21)).slice(4, -6), () => 0);
    groups[groups.length - 1] = 1;
    expect(failure(encodeGroups("bbn", groups))).toBe("decoding bech32 failed: invalid incomplete group");
    // 33 groups = 165 bits = 20 bytes + 5 bits: more than 4 bits left over.
    expect(failure(encodeGroups("bbn", Array(33).fill(0)))).toBe(
      "decoding bech32 failed: invalid incomplete group",
    );
  });
});

const CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/** The payload bytes of a string whose checksum may be wrong (5-bit groups of its data part, re-packed). */
function decodeWithoutChecksum(address: string): Uint8Array {
  const groups = Array.from(address.slice(4, -6), (c) => CHARSET.indexOf(c));
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const g of groups) {
    acc = (acc << 5) | g;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}

/** A correctly checksummed bech32 string of arbitrary 5-bit groups (BIP-173's reference algorithm). */
function encodeGroups(hrp: string, groups: number[]): string {
  const gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  const polymod = (values: number[]) => {
    let chk = 1;
    for (const v of values) {
      const b = chk >>> 25;
      chk = ((chk & 0x1ffffff) << 5) ^ v;
      for (let i = 0; i < 5; i++) if ((b >>> i) & 1) chk ^= gen[i] as number;
    }
    return chk >>> 0;
  };
  const hrpValues = [
    ...[...hrp].map((c) => c.charCodeAt(0) >> 5),
    0,
    ...[...hrp].map((c) => c.charCodeAt(0) & 31),
  ];
  const mod = polymod([...hrpValues, ...groups, 0, 0, 0, 0, 0, 0]) ^ 1;
  const checksum = Array.from({ length: 6 }, (_, i) => (mod >>> (5 * (5 - i))) & 31);
  return `${hrp}1${[...groups, ...checksum].map((g) => CHARSET[g]).join("")}`;
}
