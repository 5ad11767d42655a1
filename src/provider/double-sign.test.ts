import { sha256 } from "@noble/hashes/sha2.js";
import { describe, expect, it } from "vitest";
import { bytesToHex, utf8ToBytes } from "../crypto/index.ts";
import {
  createFinalityProviderSigner,
  createMemoryDoubleSignGuard,
  createMemoryProofStore,
  DoubleSignError,
  type FinalityProviderSignerOptions,
} from "./index.ts";

const hash = (label: string) => sha256(utf8ToBytes(label));
const KEY_A = sha256(utf8ToBytes("double-sign key A"));
const KEY_B = sha256(utf8ToBytes("double-sign key B"));

const options = (over: Partial<FinalityProviderSignerOptions> = {}): FinalityProviderSignerOptions => ({
  secretKey: KEY_A,
  bsnId: "bsn-a",
  babylonChainId: "bbn-test-5",
  contractAddress: "bbn1contract",
  bsnActivationHeight: 0,
  finalitySignatureInterval: 1,
  ...over,
});

async function committed(over: Partial<FinalityProviderSignerOptions> = {}) {
  const signer = createFinalityProviderSigner(options(over));
  await signer.commitPublicRandomness({ startHeight: 100, numPubRand: 8 });
  return signer;
}

describe("double-sign guard", () => {
  it("the same hash twice gives the identical message", async () => {
    const signer = await committed();
    const first = await signer.submitFinalitySignature({ height: 101, blockHash: hash("canonical") });
    const again = await signer.submitFinalitySignature({
      height: 101,
      blockHash: `0x${bytesToHex(hash("canonical"))}`,
    });
    expect(JSON.stringify(again)).toBe(JSON.stringify(first));
  });

  it("a different hash at the same height throws and signs nothing", async () => {
    const doubleSignGuard = createMemoryDoubleSignGuard();
    const signer = await committed({ doubleSignGuard });
    const first = await signer.submitFinalitySignature({ height: 101, blockHash: hash("canonical") });
    const error = await signer
      .submitFinalitySignature({ height: 101, blockHash: hash("fork") })
      .catch((e) => e);
    expect(error).toBeInstanceOf(DoubleSignError);
    expect(error.code).toBe("double_sign");
    expect(error.height).toBe(101n);
    // The slot still holds the first vote, and re-signing it still works.
    const slot = await doubleSignGuard.get({
      publicKeyHex: signer.publicKeyHex,
      bsnId: "bsn-a",
      height: 101n,
    });
    expect(bytesToHex(slot?.blockHash ?? new Uint8Array())).toBe(bytesToHex(hash("canonical")));
    expect(await signer.submitFinalitySignature({ height: 101, blockHash: hash("canonical") })).toEqual(
      first,
    );
  });

  it("concurrent requests for two hashes: exactly one is signed", async () => {
    const signer = await committed();
    const results = await Promise.allSettled([
      signer.submitFinalitySignature({ height: 102, blockHash: hash("one") }),
      signer.submitFinalitySignature({ height: 102, blockHash: hash("two") }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.filter((r) => r.status === "rejected");
    expect(rejected).toHaveLength(1);
    expect((rejected[0] as PromiseRejectedResult).reason).toBeInstanceOf(DoubleSignError);
  });

  it("another BSN id or another key is an independent slot", async () => {
    const doubleSignGuard = createMemoryDoubleSignGuard();
    const proofStore = createMemoryProofStore();
    const a = await committed({ doubleSignGuard, proofStore });
    const otherBsn = await committed({ doubleSignGuard, proofStore, bsnId: "bsn-b" });
    const otherKey = await committed({ doubleSignGuard, proofStore, secretKey: KEY_B });
    await a.submitFinalitySignature({ height: 103, blockHash: hash("a") });
    await expect(
      otherBsn.submitFinalitySignature({ height: 103, blockHash: hash("b") }),
    ).resolves.toBeDefined();
    await expect(
      otherKey.submitFinalitySignature({ height: 103, blockHash: hash("c") }),
    ).resolves.toBeDefined();
    await expect(a.submitFinalitySignature({ height: 103, blockHash: hash("d") })).rejects.toBeInstanceOf(
      DoubleSignError,
    );
  });

  it("the guard outlives a signer instance (shared guard, new signer)", async () => {
    const doubleSignGuard = createMemoryDoubleSignGuard();
    const first = await committed({ doubleSignGuard });
    await first.submitFinalitySignature({ height: 104, blockHash: hash("a") });
    const restarted = await committed({ doubleSignGuard });
    await expect(
      restarted.submitFinalitySignature({ height: 104, blockHash: hash("b") }),
    ).rejects.toBeInstanceOf(DoubleSignError);
  });
});
