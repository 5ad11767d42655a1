import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  base64ToBytes,
  bytesToBase64,
  bytesToHex,
  concatBytes,
  equalBytes,
  hexToBytes,
  toUint64,
  u64ToBigEndian,
} from "./bytes.ts";
import { InvalidBase64Error, InvalidHexError, InvalidUint64Error } from "./errors.ts";

describe("hex", () => {
  it("round-trips and accepts either case, always emitting lowercase", () => {
    expect(hexToBytes("00ffAb")).toEqual(new Uint8Array([0, 255, 0xab]));
    expect(bytesToHex(new Uint8Array([0, 255, 0xab]))).toBe("00ffab");
    expect(hexToBytes("")).toEqual(new Uint8Array(0));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(hexToBytes(bytesToHex(bytes))).toEqual(bytes);
        expect(hexToBytes(bytesToHex(bytes).toUpperCase())).toEqual(bytes);
      }),
      { numRuns: 100 },
    );
  });

  it.each([
    ["abc", "Odd number of digits"],
    ["zz", 'Invalid character "z" at position 0'],
    ["0x00", 'Invalid character "x" at position 1'],
    ["00 1", 'Invalid character " " at position 2'],
    ["00 11", "Odd number of digits"],
    ["0011 ", "Odd number of digits"],
    ["00g0", 'Invalid character "g" at position 2'],
  ])("rejects %j with a typed error", (input, message) => {
    const error = (() => {
      try {
        hexToBytes(input, "fp_pubkey_hex");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidHexError);
    expect(error).toMatchObject({ code: "invalid_hex", shortMessage: message, field: "fp_pubkey_hex" });
  });

  it.each<[string, InvalidHexError["detail"]]>([
    ["abc", { reason: "odd_length", length: 3 }],
    ["0x00", { reason: "invalid_character", character: "x", position: 1 }],
    ["00\n0", { reason: "invalid_character", character: "\n", position: 2 }],
    // Judged like Rust's hex crate: lengths in UTF-8 bytes ("é" is 2), positions are byte offsets.
    ["é", { reason: "invalid_character", character: "é", position: 0 }],
    ["aé", { reason: "odd_length", length: 3 }],
    ["00😀", { reason: "invalid_character", character: "😀", position: 2 }],
  ])("reports %j as structured data", (input, detail) => {
    const error = (() => {
      try {
        hexToBytes(input);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidHexError);
    expect(error).toMatchObject({ reason: detail.reason, detail });
  });

  it("rejects whitespace inside an even-length string", () => {
    expect(() => hexToBytes("00 0")).toThrow(InvalidHexError);
    expect(() => hexToBytes("0 00")).toThrow(InvalidHexError);
    expect(() => hexToBytes(" 000")).toThrow(InvalidHexError);
  });
});

describe("base64", () => {
  it("encodes like the standard padded alphabet and decodes back, padded or not", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const encoded = bytesToBase64(bytes);
        expect(encoded).toBe(Buffer.from(bytes).toString("base64"));
        expect(base64ToBytes(encoded)).toEqual(bytes);
        expect(base64ToBytes(encoded.replace(/=+$/, ""))).toEqual(bytes);
      }),
      { numRuns: 200 },
    );
  });

  it("accepts partial padding, as cosmwasm's indifferent-padding decoder does", () => {
    expect(base64ToBytes("QQ=")).toEqual(new Uint8Array([0x41]));
    expect(base64ToBytes("QQ==")).toEqual(new Uint8Array([0x41]));
    expect(base64ToBytes("QUI=")).toEqual(new Uint8Array([0x41, 0x42]));
    expect(base64ToBytes("")).toEqual(new Uint8Array(0));
    expect(base64ToBytes("+/+/")).toEqual(new Uint8Array([0xfb, 0xff, 0xbf]));
  });

  it.each([
    ["Q", "lone trailing symbol"],
    ["QUJDR", "lone trailing symbol"],
    ["=", "padding only"],
    ["QUJD=", "padding after a full quad"],
    ["QQ===", "three padding characters"],
    ["QUI==", "two padding characters after three symbols"],
    ["QR==", "non-zero trailing bits"],
    ["QUJ=QUJD", "padding in the middle"],
    ["-_8=", "URL-safe alphabet"],
    ["QU JD", "whitespace"],
    ["QUJD\n", "newline"],
    ["QUJ€", "non-ASCII"],
  ])("rejects %j (%s)", (input) => {
    expect(() => base64ToBytes(input)).toThrow(InvalidBase64Error);
  });
});

describe("u64 big-endian", () => {
  it("encodes boundaries", () => {
    expect(bytesToHex(u64ToBigEndian(0))).toBe("0000000000000000");
    expect(bytesToHex(u64ToBigEndian(101))).toBe("0000000000000065");
    expect(bytesToHex(u64ToBigEndian(Number.MAX_SAFE_INTEGER))).toBe("001fffffffffffff");
    expect(bytesToHex(u64ToBigEndian((1n << 64n) - 1n))).toBe("ffffffffffffffff");
  });

  it("agrees for number and bigint and round-trips through DataView", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (value) => {
        const bytes = u64ToBigEndian(value);
        expect(new DataView(bytes.buffer).getBigUint64(0, false)).toBe(value);
        if (value <= BigInt(Number.MAX_SAFE_INTEGER)) expect(u64ToBigEndian(Number(value))).toEqual(bytes);
      }),
      { numRuns: 200 },
    );
  });

  it.each([-1, 1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN, Number.POSITIVE_INFINITY, -1n, 1n << 64n])(
    "rejects %s",
    (value) => {
      expect(() => u64ToBigEndian(value, "height")).toThrow(InvalidUint64Error);
      expect(() => toUint64(value)).toThrow(expect.objectContaining({ code: "invalid_uint64" }));
    },
  );

  it("rejects non-numeric input at run time", () => {
    expect(() => toUint64("5" as unknown as number)).toThrow(InvalidUint64Error);
  });
});

describe("equalBytes / concatBytes", () => {
  it("compares length and content", () => {
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0]))).toBe(false);
    expect(equalBytes(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });

  it("concatenates in order", () => {
    expect(concatBytes(new Uint8Array([1]), new Uint8Array(0), new Uint8Array([2, 3]))).toEqual(
      new Uint8Array([1, 2, 3]),
    );
  });
});
