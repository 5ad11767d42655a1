import { sha256 } from "@noble/hashes/sha2.js";
import { describe, expect, it } from "vitest";
import {
  type ContractRulesOptions,
  checkCommitOverlap,
  checkCommitPublicRandomness,
  checkSubmitFinalitySignature,
  findCoveringCommit,
  nextCommitStartHeight,
} from "../contract-rules/index.ts";
import { bytesToBase64, bytesToHex, deriveRandomness, utf8ToBytes } from "../crypto/index.ts";
import {
  alignToGrid,
  createFinalityProviderSigner,
  createMemoryProofStore,
  type FinalityProviderSignerOptions,
  isScheduledHeight,
  ProviderError,
} from "./index.ts";

const SECRET_KEY = sha256(utf8ToBytes("finality-edge provider test key"));
const CHAIN_ID = "bbn-test-5";
const CONTRACT = "bbn1finalitycontractaddressfortests";
const hash = (label: string) => sha256(utf8ToBytes(label));

const signerOptions = (over: Partial<FinalityProviderSignerOptions> = {}): FinalityProviderSignerOptions => ({
  secretKey: SECRET_KEY,
  bsnId: "op-rollup-1",
  babylonChainId: CHAIN_ID,
  contractAddress: CONTRACT,
  bsnActivationHeight: 12,
  finalitySignatureInterval: 5,
  ...over,
});

const rulesFor = (o: FinalityProviderSignerOptions, minPubRand = 1): ContractRulesOptions => ({
  config: {
    bsn_activation_height: o.bsnActivationHeight,
    finality_signature_interval: o.finalitySignatureInterval,
    min_pub_rand: minPubRand,
  },
  babylonChainId: o.babylonChainId,
  contractAddress: o.contractAddress,
  emptySigningContext: o.emptySigningContext,
});

async function expectProviderError(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  expect((error as ProviderError).code).toBe(code);
}

describe("round trip: every message passes the contract's stateless checks", () => {
  const cases = [
    {
      name: "context, interval 5, activation 12",
      over: { bsnActivationHeight: 12, finalitySignatureInterval: 5 },
    },
    {
      name: "context, interval 1, activation 3",
      over: { bsnActivationHeight: 3, finalitySignatureInterval: 1 },
    },
    {
      name: "empty context, interval 5, activation 12",
      over: { bsnActivationHeight: 12, finalitySignatureInterval: 5, emptySigningContext: true },
    },
    {
      name: "empty context, interval 1, activation 3",
      over: { bsnActivationHeight: 3, finalitySignatureInterval: 1, emptySigningContext: true },
    },
  ];

  for (const { name, over } of cases) {
    it(name, async () => {
      const o = signerOptions(over);
      const rules = rulesFor(o, 10);
      const signer = createFinalityProviderSigner(o);
      const interval = BigInt(o.finalitySignatureInterval);
      const first = await signer.commitPublicRandomness({
        startHeight: alignToGrid(20, o.bsnActivationHeight, interval),
        numPubRand: 10,
      });
      checkCommitPublicRandomness(first.msg.commit_public_randomness, rules);
      // A second commit right after the first: the contract's overlap rule lets it through.
      const secondStart = nextCommitStartHeight(first.commit);
      const second = await signer.commitPublicRandomness({ startHeight: secondStart, numPubRand: 12 });
      checkCommitPublicRandomness(second.msg.commit_public_randomness, rules);
      checkCommitOverlap(second.commit.start_height, first.commit);
      expect(() => checkCommitOverlap(first.commit.start_height, second.commit)).toThrow(/has overlap/);

      const commits = [first.commit, second.commit];
      const start = BigInt(first.commit.start_height);
      const heights = [0n, 1n, 9n, 10n, 15n, 21n].map((i) => start + i * interval);
      for (const height of heights) {
        const msg = await signer.submitFinalitySignature({ height, blockHash: hash(`block ${height}`) });
        const body = msg.submit_finality_signature;
        const commit = findCoveringCommit(commits, body.height, signer.publicKey);
        expect(checkSubmitFinalitySignature(body, rules, commit).height).toBe(height);
      }
    });
  }
});

describe("wire shape", () => {
  it("snake_case, base64, lowercase x-only key, numbers for u64", async () => {
    const signer = createFinalityProviderSigner(signerOptions());
    const { msg } = await signer.commitPublicRandomness({ startHeight: 12, numPubRand: 4 });
    const body = msg.commit_public_randomness;
    expect(Object.keys(body)).toEqual([
      "fp_pubkey_hex",
      "start_height",
      "num_pub_rand",
      "commitment",
      "signature",
    ]);
    expect(body.fp_pubkey_hex).toMatch(/^[0-9a-f]{64}$/);
    expect(body.fp_pubkey_hex).toBe(signer.publicKeyHex);
    expect(body.start_height).toBe(12);
    expect(body.commitment).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(body.signature).toMatch(/^[A-Za-z0-9+/]{86}==$/);

    const vote = await signer.submitFinalitySignature({ height: 17, blockHash: hash("b"), l1BlockNumber: 9 });
    const v = vote.submit_finality_signature;
    expect(Object.keys(v)).toEqual([
      "fp_pubkey_hex",
      "l1_block_number",
      "height",
      "pub_rand",
      "proof",
      "block_hash",
      "signature",
    ]);
    expect(Object.keys(v.proof)).toEqual(["total", "index", "leaf_hash", "aunts"]);
  });

  it("a one-value commit still sends index 0 and aunts []", async () => {
    const signer = createFinalityProviderSigner(signerOptions());
    await signer.commitPublicRandomness({ startHeight: 12, numPubRand: 1 });
    const vote = await signer.submitFinalitySignature({
      height: 12,
      blockHash: `0x${bytesToHex(hash("b12"))}`,
    });
    const json = JSON.stringify(vote);
    expect(json).toContain('"proof":{"total":1,"index":0,"leaf_hash":');
    expect(json).toContain('"aunts":[]');
    expect(json).not.toContain("l1_block");
  });

  it("randomness is derived from the BSN id, not the Babylon chain id", async () => {
    const signer = createFinalityProviderSigner(signerOptions());
    await signer.commitPublicRandomness({ startHeight: 12, numPubRand: 2 });
    const vote = await signer.submitFinalitySignature({ height: 17, blockHash: hash("b17") });
    const expected = bytesToBase64(deriveRandomness(SECRET_KEY, "op-rollup-1", 17).pubRand);
    expect(vote.submit_finality_signature.pub_rand).toBe(expected);
  });
});

describe("refusals", () => {
  it("off-grid, below activation, uncommitted heights", async () => {
    const signer = createFinalityProviderSigner(signerOptions());
    await signer.commitPublicRandomness({ startHeight: 12, numPubRand: 4 }); // 12, 17, 22, 27
    await expectProviderError(
      signer.submitFinalitySignature({ height: 13, blockHash: hash("x") }),
      "height_not_scheduled",
    );
    await expectProviderError(
      signer.submitFinalitySignature({ height: 7, blockHash: hash("x") }),
      "height_before_activation",
    );
    await expectProviderError(
      signer.submitFinalitySignature({ height: 32, blockHash: hash("x") }),
      "height_not_committed",
    );
  });

  it("commits that could never be used", async () => {
    const signer = createFinalityProviderSigner(signerOptions());
    await expectProviderError(
      signer.commitPublicRandomness({ startHeight: 13, numPubRand: 4 }),
      "height_not_scheduled",
    );
    await expectProviderError(
      signer.commitPublicRandomness({ startHeight: 7, numPubRand: 4 }),
      "height_before_activation",
    );
    await expectProviderError(
      signer.commitPublicRandomness({ startHeight: 12, numPubRand: 0 }),
      "invalid_commit_range",
    );
    const big = alignToGrid(2 ** 53 - 20, 12, 5);
    await expectProviderError(
      signer.commitPublicRandomness({ startHeight: big, numPubRand: 10 }),
      "invalid_height",
    );
  });

  it("a proof store that does not hold this key's randomness", async () => {
    const proofStore = createMemoryProofStore();
    const a = createFinalityProviderSigner(signerOptions({ proofStore }));
    await a.commitPublicRandomness({ startHeight: 12, numPubRand: 4 });
    // Same key and BSN id (same store scope) but different randomness: the stored proofs do not fit.
    const b = createFinalityProviderSigner(
      signerOptions({ proofStore, randomness: (h) => deriveRandomness(SECRET_KEY, "another-bsn", h) }),
    );
    await expectProviderError(
      b.submitFinalitySignature({ height: 17, blockHash: hash("x") }),
      "randomness_mismatch",
    );
  });
});

describe("grid helpers", () => {
  it("alignToGrid is the provider's align(h)", () => {
    expect(alignToGrid(0, 12, 5)).toBe(12n);
    expect(alignToGrid(12, 12, 5)).toBe(12n);
    expect(alignToGrid(13, 12, 5)).toBe(17n);
    expect(alignToGrid(17, 12, 5)).toBe(17n);
    expect(alignToGrid(18, 12, 5)).toBe(22n);
    expect(alignToGrid(18, 0, 1)).toBe(18n);
  });

  it("isScheduledHeight matches the contract's rule", () => {
    expect(isScheduledHeight(12, 12, 5)).toBe(true);
    expect(isScheduledHeight(27, 12, 5)).toBe(true);
    expect(isScheduledHeight(26, 12, 5)).toBe(false);
    expect(isScheduledHeight(7, 12, 5)).toBe(false);
  });
});
