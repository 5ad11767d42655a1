import { sha256 } from "@noble/hashes/sha2.js";
import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes, utf8ToBytes } from "./bytes.ts";
import { InvalidContextError, InvalidLengthError, InvalidUint64Error } from "./errors.ts";
import {
  commitDigest,
  commitMessage,
  type SigningContextKind,
  signingContext,
  voteMessage,
} from "./signing-context.ts";

const COMMITMENT = new Uint8Array(32).fill(0xaa);
const BLOCK = new Uint8Array(32).fill(0xbb);

describe("signingContext", () => {
  it("is the lowercase hex sha256 of btcstaking/0/{kind}/{chain}/{contract}", () => {
    for (const kind of ["fp_rand_commit", "fp_fin_vote"] as const) {
      const ctx = signingContext(kind, "bbn-1", "bbn1contract");
      expect(ctx).toMatch(/^[0-9a-f]{64}$/);
      expect(ctx).toBe(bytesToHex(sha256(utf8ToBytes(`btcstaking/0/${kind}/bbn-1/bbn1contract`))));
    }
    expect(signingContext("fp_rand_commit", "a", "b")).not.toBe(signingContext("fp_fin_vote", "a", "b"));
  });

  it("rejects an unknown kind", () => {
    expect(() => signingContext("fp_pop" as SigningContextKind, "a", "b")).toThrow(InvalidContextError);
  });
});

describe("commitMessage", () => {
  const ctx = signingContext("fp_rand_commit", "bbn-1", "bbn1contract");

  it("lays out context ASCII || BE64(start) || BE64(num) || commitment", () => {
    const msg = commitMessage(ctx, 100, 1000n, COMMITMENT);
    expect(msg.length).toBe(64 + 8 + 8 + 32);
    expect(new TextDecoder().decode(msg.subarray(0, 64))).toBe(ctx);
    expect(bytesToHex(msg.subarray(64, 80))).toBe("000000000000006400000000000003e8");
    expect(msg.subarray(80)).toEqual(COMMITMENT);
  });

  it("allows the empty (pre-context) context", () => {
    expect(bytesToHex(commitMessage("", 1, 2, COMMITMENT))).toBe(
      `00000000000000010000000000000002${"aa".repeat(32)}`,
    );
  });

  it("rejects a commitment that is not 32 bytes", () => {
    expect(() => commitMessage(ctx, 1, 2, COMMITMENT.subarray(1))).toThrow(InvalidLengthError);
  });

  it.each([
    ["start", () => commitMessage(ctx, -1, 2, COMMITMENT)],
    ["num", () => commitMessage(ctx, 1, 2.5, COMMITMENT)],
    ["start > 2^64 − 1", () => commitMessage(ctx, 1n << 64n, 2, COMMITMENT)],
    ["unsafe number", () => commitMessage(ctx, 2 ** 53, 2, COMMITMENT)],
  ])("rejects an invalid %s", (_, fn) => {
    expect(fn).toThrow(InvalidUint64Error);
  });

  it("commitDigest is sha256 of the message, with the same input checks", () => {
    expect(commitDigest(ctx, 100, 1000n, COMMITMENT)).toEqual(
      sha256(commitMessage(ctx, 100, 1000n, COMMITMENT)),
    );
    expect(commitDigest("", 1, 2, COMMITMENT)).toEqual(sha256(commitMessage("", 1, 2, COMMITMENT)));
    expect(() => commitDigest(ctx, 1, 2, COMMITMENT.subarray(1))).toThrow(InvalidLengthError);
    expect(() => commitDigest(ctx, -1, 2, COMMITMENT)).toThrow(InvalidUint64Error);
  });
});

describe("voteMessage", () => {
  const ctx = signingContext("fp_fin_vote", "bbn-1", "bbn1contract");

  it("lays out context ASCII || BE64(height) || block hash", () => {
    const msg = voteMessage(ctx, 105n, BLOCK);
    expect(new TextDecoder().decode(msg.subarray(0, 64))).toBe(ctx);
    expect(bytesToHex(msg.subarray(64, 72))).toBe("0000000000000069");
    expect(msg.subarray(72)).toEqual(BLOCK);
    expect(voteMessage(ctx, 105, BLOCK)).toEqual(msg);
  });

  it("takes the block hash as given (the contract hashes whatever was submitted)", () => {
    expect(voteMessage("", 1, new Uint8Array([1, 2, 3]))).toEqual(hexToBytes("0000000000000001010203"));
  });

  it("accepts the largest u64 height", () => {
    expect(bytesToHex(voteMessage("", (1n << 64n) - 1n, BLOCK).subarray(0, 8))).toBe("ffffffffffffffff");
  });

  it.each([
    ["uppercase hex", ctx.toUpperCase()],
    ["63 characters", ctx.slice(1)],
    ["65 characters", `${ctx}0`],
    ["non-hex", `${ctx.slice(1)}g`],
    ["the 32 raw digest bytes as latin-1", "x".repeat(32)],
    ["whitespace", ` ${ctx.slice(1)}`],
  ])("rejects a context that is %s", (_, context) => {
    const error = (() => {
      try {
        voteMessage(context, 1, BLOCK);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidContextError);
    expect(error).toMatchObject({ code: "invalid_context", field: "context" });
  });

  it.each([-1, -1n, 0.5, Number.NaN, 2 ** 53, 1n << 64n])("rejects height %s", (height) => {
    expect(() => voteMessage(ctx, height, BLOCK)).toThrow(InvalidUint64Error);
  });
});
