import { sha256 } from "@noble/hashes/sha2.js";
import { describe, expect, it } from "vitest";
import { checkCommitPublicRandomness, checkSubmitFinalitySignature } from "../contract-rules/index.ts";
import {
  bip340Verify,
  bytesToHex,
  deriveRandomness,
  eotsSign,
  signingContext,
  utf8ToBytes,
  voteMessage,
} from "../crypto/index.ts";
import {
  buildRandomnessCommit,
  buildRandomnessCommitWithKey,
  createFinalityProviderSigner,
  createLocalEotsKey,
  createMemoryDoubleSignGuard,
  createMemoryProofStore,
  DoubleSignError,
  type EotsKey,
  type FinalityProviderSignerOptions,
  ProviderError,
} from "./index.ts";

const SECRET_KEY = sha256(utf8ToBytes("finality-edge eots-key test key"));
const OTHER_KEY = sha256(utf8ToBytes("finality-edge eots-key other key"));
const BSN = "op-rollup-key";
const CHAIN_ID = "bbn-test-5";
const CONTRACT = "bbn1finalitycontractforkeytests";
const ZERO_AUX = () => new Uint8Array(32);
const hash = (label: string) => sha256(utf8ToBytes(label));

const settings = {
  bsnId: BSN,
  babylonChainId: CHAIN_ID,
  contractAddress: CONTRACT,
  bsnActivationHeight: 10,
  finalitySignatureInterval: 2,
};
const rules = {
  config: { bsn_activation_height: 10, finality_signature_interval: 2, min_pub_rand: 1 },
  babylonChainId: CHAIN_ID,
  contractAddress: CONTRACT,
};

/** A stand-in for a remote signer: forwards to a local key and counts what it was asked. */
function countingKey(inner: EotsKey = createLocalEotsKey(SECRET_KEY, { auxRand: ZERO_AUX })) {
  const calls = { publicRandomness: [] as bigint[][], signEots: [] as bigint[], signSchnorr: 0 };
  const key: EotsKey = {
    publicKey: inner.publicKey,
    publicRandomness(bsnId, heights) {
      calls.publicRandomness.push([...heights]);
      return inner.publicRandomness(bsnId, heights);
    },
    signEots(bsnId, height, message) {
      calls.signEots.push(height);
      return inner.signEots(bsnId, height, message);
    },
    signSchnorr(digest) {
      calls.signSchnorr++;
      return inner.signSchnorr(digest);
    },
  };
  return { key, calls };
}

async function providerError(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe("createLocalEotsKey", () => {
  it("is today's crypto: x-only key, eotsd randomness, EOTS over the vote message, BIP-340", async () => {
    const key = createLocalEotsKey(SECRET_KEY, { auxRand: ZERO_AUX });
    const message = voteMessage(signingContext("fp_fin_vote", CHAIN_ID, CONTRACT), 12n, hash("b"));
    const [r12, r14] = await key.publicRandomness(BSN, [12n, 14n]);
    expect(bytesToHex(r12 as Uint8Array)).toBe(bytesToHex(deriveRandomness(SECRET_KEY, BSN, 12n).pubRand));
    expect(bytesToHex(r14 as Uint8Array)).toBe(bytesToHex(deriveRandomness(SECRET_KEY, BSN, 14n).pubRand));
    expect(bytesToHex(await key.signEots(BSN, 12n, message))).toBe(
      bytesToHex(eotsSign(SECRET_KEY, deriveRandomness(SECRET_KEY, BSN, 12n).privRand, message)),
    );
    const digest = hash("digest");
    expect(bip340Verify(key.publicKey, digest, await key.signSchnorr(digest))).toBe(true);
  });

  it("keeps its own copy of the secret key", async () => {
    const secret = Uint8Array.from(SECRET_KEY);
    const key = createLocalEotsKey(secret);
    secret.fill(7);
    const [pubRand] = await key.publicRandomness(BSN, [12n]);
    expect(bytesToHex(pubRand as Uint8Array)).toBe(
      bytesToHex(deriveRandomness(SECRET_KEY, BSN, 12n).pubRand),
    );
  });
});

describe("a local key gives the secretKey path's exact bytes", () => {
  it("buildRandomnessCommitWithKey equals buildRandomnessCommit", async () => {
    const range = { context: signingContext("fp_rand_commit", CHAIN_ID, CONTRACT), startHeight: 10n };
    const shape = { ...range, numPubRand: 7n, interval: 2n };
    const old = buildRandomnessCommit({
      ...shape,
      secretKey: SECRET_KEY,
      randomness: (height) => deriveRandomness(SECRET_KEY, BSN, height),
    });
    const keyed = await buildRandomnessCommitWithKey({
      ...shape,
      key: createLocalEotsKey(SECRET_KEY, { auxRand: ZERO_AUX }),
      bsnId: BSN,
    });
    expect(JSON.stringify(keyed.msg)).toBe(JSON.stringify(old.msg));
    expect(keyed.proofs).toEqual(old.proofs);
  });

  it("the signer's commit and votes are identical from { secretKey } and { key }", async () => {
    const fromSecret = createFinalityProviderSigner({
      ...settings,
      secretKey: SECRET_KEY,
      auxRand: ZERO_AUX,
    });
    const fromKey = createFinalityProviderSigner({
      ...settings,
      key: createLocalEotsKey(SECRET_KEY, { auxRand: ZERO_AUX }),
    });
    expect(fromKey.publicKeyHex).toBe(fromSecret.publicKeyHex);
    const range = { startHeight: 10, numPubRand: 5 };
    const [a, b] = await Promise.all([
      fromSecret.commitPublicRandomness(range),
      fromKey.commitPublicRandomness(range),
    ]);
    expect(JSON.stringify(b.msg)).toBe(JSON.stringify(a.msg));
    for (const height of [10, 14, 18]) {
      const vote = { height, blockHash: hash(`block ${height}`), l1BlockNumber: 3 };
      expect(JSON.stringify(await fromKey.submitFinalitySignature(vote))).toBe(
        JSON.stringify(await fromSecret.submitFinalitySignature(vote)),
      );
    }
  });
});

describe("a remote-style key drives the signer", () => {
  it("end to end: one randomness batch and one signature per commit, one EOTS signature per new vote", async () => {
    const { key, calls } = countingKey();
    const signer = createFinalityProviderSigner({ ...settings, key });
    expect(signer.publicKeyHex).toBe(bytesToHex(createLocalEotsKey(SECRET_KEY).publicKey));

    const { msg, commit } = await signer.commitPublicRandomness({ startHeight: 12, numPubRand: 4 });
    checkCommitPublicRandomness(msg.commit_public_randomness, rules);
    expect(calls.publicRandomness).toEqual([[12n, 14n, 16n, 18n]]);
    expect(calls.signSchnorr).toBe(1);

    const vote = await signer.submitFinalitySignature({ height: 14, blockHash: hash("b14") });
    checkSubmitFinalitySignature(vote.submit_finality_signature, rules, commit);
    expect(calls.signEots).toEqual([14n]);
    // The same vote again is the recorded signature: the key is not asked twice.
    expect(await signer.submitFinalitySignature({ height: 14, blockHash: hash("b14") })).toEqual(vote);
    expect(calls.signEots).toEqual([14n]);
  });

  it("never reaches signEots for a height whose slot holds another hash", async () => {
    const { key, calls } = countingKey();
    const doubleSignGuard = createMemoryDoubleSignGuard();
    const proofStore = createMemoryProofStore();
    const signer = createFinalityProviderSigner({ ...settings, key, doubleSignGuard, proofStore });
    await signer.commitPublicRandomness({ startHeight: 10, numPubRand: 8 });

    // One after the other.
    await signer.submitFinalitySignature({ height: 12, blockHash: hash("canonical") });
    await expect(
      signer.submitFinalitySignature({ height: 12, blockHash: hash("fork") }),
    ).rejects.toBeInstanceOf(DoubleSignError);
    expect(calls.signEots).toEqual([12n]);

    // At the same time: the second waits for the first claim and is refused unsigned.
    const raced = await Promise.allSettled([
      signer.submitFinalitySignature({ height: 16, blockHash: hash("one") }),
      signer.submitFinalitySignature({ height: 16, blockHash: hash("two") }),
      signer.submitFinalitySignature({ height: 16, blockHash: hash("one") }),
    ]);
    expect(raced.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((raced[1] as PromiseRejectedResult).reason).toBeInstanceOf(DoubleSignError);
    expect(calls.signEots).toEqual([12n, 16n]);

    // A slot claimed by another signer sharing the guard (say, before a restart).
    const restarted = countingKey();
    const again = createFinalityProviderSigner({
      ...settings,
      key: restarted.key,
      doubleSignGuard,
      proofStore,
    });
    await expect(
      again.submitFinalitySignature({ height: 16, blockHash: hash("two") }),
    ).rejects.toBeInstanceOf(DoubleSignError);
    expect(restarted.calls.signEots).toEqual([]);
  });
});

describe("misbehaving keys and options", () => {
  const local = createLocalEotsKey(SECRET_KEY);
  const other = createLocalEotsKey(OTHER_KEY);

  it("too few randomness values", async () => {
    const key: EotsKey = {
      ...local,
      publicRandomness: async (bsnId, heights) => local.publicRandomness(bsnId, heights.slice(1)),
    };
    const signer = createFinalityProviderSigner({ ...settings, key });
    const error = await providerError(signer.commitPublicRandomness({ startHeight: 10, numPubRand: 3 }));
    expect(error.code).toBe("invalid_key_response");
  });

  it("a commit signature by another key", async () => {
    const key: EotsKey = { ...local, signSchnorr: (digest) => other.signSchnorr(digest) };
    const signer = createFinalityProviderSigner({ ...settings, key });
    const error = await providerError(signer.commitPublicRandomness({ startHeight: 10, numPubRand: 3 }));
    expect(error.code).toBe("invalid_key_response");
  });

  it("an EOTS signature that does not verify is not recorded", async () => {
    const doubleSignGuard = createMemoryDoubleSignGuard();
    const key: EotsKey = {
      ...local,
      signEots: (bsnId, height, message) => other.signEots(bsnId, height, message),
    };
    const signer = createFinalityProviderSigner({ ...settings, key, doubleSignGuard });
    await signer.commitPublicRandomness({ startHeight: 10, numPubRand: 3 });
    const error = await providerError(signer.submitFinalitySignature({ height: 12, blockHash: hash("b") }));
    expect(error.code).toBe("invalid_key_response");
    expect(
      await doubleSignGuard.get({ publicKeyHex: signer.publicKeyHex, bsnId: BSN, height: 12n }),
    ).toBeUndefined();
  });

  it.each<[string, Partial<FinalityProviderSignerOptions>, string]>([
    ["neither secretKey nor key", {}, "secretKey"],
    ["both", { secretKey: SECRET_KEY, key: local }, "key"],
    [
      "randomness with a key",
      { key: local, randomness: (h) => deriveRandomness(SECRET_KEY, BSN, h) },
      "randomness",
    ],
    ["auxRand with a key", { key: local, auxRand: ZERO_AUX }, "auxRand"],
    ["a short public key", { key: { ...local, publicKey: new Uint8Array(33) } }, "key"],
  ])("refuses %s", (_, over, field) => {
    let error: unknown;
    try {
      createFinalityProviderSigner({ ...settings, ...over });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).code).toBe("invalid_signer_options");
    expect((error as ProviderError).field).toBe(field);
  });
});
