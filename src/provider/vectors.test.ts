import { describe, expect, it } from "vitest";
import type { RollupFlowWithContext as WithContextVector } from "../../test/support/known-answers.ts";
import { loadSharedVectors, VECTORS_MISSING_MESSAGE } from "../../test/support/vectors.ts";
import { checkCommitPublicRandomness, checkSubmitFinalitySignature } from "../contract-rules/index.ts";
import { bytesToBase64, bytesToHex, deriveRandomness, hexToBytes, type Randomness } from "../crypto/index.ts";
import {
  createFinalityProviderSigner,
  createLocalEotsKey,
  createMemoryProofStore,
  type FinalityProviderSignerOptions,
} from "./index.ts";

const vectors = loadSharedVectors();
if (!vectors) console.warn(VECTORS_MISSING_MESSAGE);

const b64 = (hex: string) => bytesToBase64(hexToBytes(hex));

describe.skipIf(!vectors)("known answers: rollup-flow-with-context.json", () => {
  const v = vectors?.rollupFlowWithContext as WithContextVector;
  const heights = () => v.sec_rands.map((_, i) => BigInt(v.start_height + i * v.interval));

  // The vector's nonces come from its own generator, not eotsd's HMAC scheme: check which case holds
  // and feed the signer the vector's randomness when the provider scheme cannot reproduce it.
  const derivedWith = (bsnId: string) =>
    heights().every(
      (h, i) => bytesToHex(deriveRandomness(hexToBytes(v.fp_sk), bsnId, h).privRand) === v.sec_rands[i],
    );

  const vectorRandomness = (height: bigint): Randomness => {
    const i = heights().indexOf(height);
    if (i < 0) throw new Error(`vector has no randomness for ${height}`);
    return { privRand: hexToBytes(v.sec_rands[i] as string), pubRand: hexToBytes(v.pub_rands[i] as string) };
  };

  const keyOptions = () => ({
    randomness: derivedWith(v.chain_id) ? undefined : vectorRandomness,
    auxRand: () => new Uint8Array(32), // the vector's commit signature used aux_rand = 0
  });

  // The same signer from the raw secret key and from an EotsKey over it: both must hit every byte.
  const via = {
    secretKey: () => ({ secretKey: hexToBytes(v.fp_sk), ...keyOptions() }),
    key: () => ({ key: createLocalEotsKey(hexToBytes(v.fp_sk), keyOptions()) }),
  };

  const signerFor = (keyed: keyof typeof via): FinalityProviderSignerOptions => ({
    ...via[keyed](),
    bsnId: v.chain_id,
    babylonChainId: v.chain_id,
    contractAddress: v.contract_address,
    bsnActivationHeight: v.start_height,
    finalitySignatureInterval: v.interval,
    proofStore: createMemoryProofStore(),
  });

  it("says what is derivable", () => {
    expect(v.about).toMatch(/aux_rand = 32 zero bytes/);
    // If this ever flips, the signer reproduces the vector with its default randomness (see signerFor).
    expect(derivedWith(v.chain_id)).toBe(false);
  });

  it.each(["secretKey", "key"] as const)(
    "the signer (%s) reproduces the commitment, commit signature, proof at 105 and both EOTS signatures",
    async (keyed) => {
      const signer = createFinalityProviderSigner(signerFor(keyed));
      expect(signer.publicKeyHex).toBe(v.fp_pubkey_hex);
      const { msg, commit } = await signer.commitPublicRandomness({
        startHeight: v.start_height,
        numPubRand: v.num_pub_rand,
      });
      const body = msg.commit_public_randomness;
      expect(body.commitment).toBe(b64(v.commitment));
      expect(body.signature).toBe(b64(v.commit_bip340_sig_aux0));

      const [vote1, vote2] = v.votes;
      if (!vote1 || !vote2) throw new Error("vector needs two votes");
      const first = (
        await signer.submitFinalitySignature({
          height: v.vote_height,
          blockHash: hexToBytes(vote1.block_hash),
        })
      ).submit_finality_signature;
      expect(first.pub_rand).toBe(b64(v.pub_rands[1] as string));
      expect(first.proof).toEqual({
        total: v.proof.total,
        index: v.proof.index,
        leaf_hash: b64(v.proof.leaf_hash),
        aunts: v.proof.aunts.map(b64),
      });
      expect(first.signature).toBe(b64(vote1.eots_sig));

      // The vector's second vote equivocates; only a signer with a fresh guard will produce it.
      const other = createFinalityProviderSigner(signerFor(keyed));
      await other.commitPublicRandomness({ startHeight: v.start_height, numPubRand: v.num_pub_rand });
      const fork = (
        await other.submitFinalitySignature({
          height: v.vote_height,
          blockHash: hexToBytes(vote2.block_hash),
        })
      ).submit_finality_signature;
      expect(fork.signature).toBe(b64(vote2.eots_sig));

      const rules = {
        config: {
          bsn_activation_height: v.start_height,
          finality_signature_interval: v.interval,
          min_pub_rand: 4,
        },
        babylonChainId: v.chain_id,
        contractAddress: v.contract_address,
      };
      checkCommitPublicRandomness(body, rules);
      checkSubmitFinalitySignature(first, rules, commit);
      checkSubmitFinalitySignature(fork, rules, commit);
    },
  );
});
