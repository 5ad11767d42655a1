// The challenge-overflow branch of eotsSign (probability ≈ 2^-128) can only be reached by forcing
// the hash: SHA-256 is mocked to return 0xff…ff for the 160-byte challenge input only.
import { describe, expect, it, vi } from "vitest";
import { scalarToBytes } from "./curve.ts";
import { eotsSign } from "./eots.ts";
import { InvalidScalarError } from "./errors.ts";

const state = vi.hoisted(() => ({ overflow: false }));

vi.mock("@noble/hashes/sha2.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("@noble/hashes/sha2.js")>();
  // tagged-hash prefix (64) + x(R) (32) + x(P) (32) + sha256(message) (32)
  const sha256 = Object.assign(
    (data: Uint8Array) =>
      state.overflow && data.length === 160 ? new Uint8Array(32).fill(0xff) : original.sha256(data),
    original.sha256,
  );
  return { ...original, sha256 };
});

describe("eotsSign challenge overflow", () => {
  it("fails like Go when the challenge hash is ≥ n, instead of reducing it", () => {
    const msg = new TextEncoder().encode("m");
    state.overflow = false;
    expect(eotsSign(scalarToBytes(5n), scalarToBytes(6n), msg)).toHaveLength(32);
    state.overflow = true;
    try {
      expect(() => eotsSign(scalarToBytes(5n), scalarToBytes(6n), msg)).toThrow(InvalidScalarError);
      expect(() => eotsSign(scalarToBytes(5n), scalarToBytes(6n), msg)).toThrow(/Challenge hash/);
    } finally {
      state.overflow = false;
    }
  });
});
