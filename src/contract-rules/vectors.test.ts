import { describe, expect, it } from "vitest";
import {
  hexToBase64 as b64,
  type RollupFlowEmptyContext,
  type RollupFlowWithContext,
} from "../../test/support/known-answers.ts";
import { loadKnownAnswers } from "../../test/support/vectors.ts";
import { hexToBytes } from "../crypto/index.ts";
import {
  checkCommitPublicRandomness,
  checkSubmitFinalitySignature,
  findCoveringCommit,
  ruleSigningContexts,
  type SubmitFinalitySignatureMsg,
} from "./index.ts";

const vectors = loadKnownAnswers();

describe.skipIf(!vectors)("upstream data, empty signing context (rollup-flow-empty-context.json)", () => {
  const v = vectors?.rollupFlowEmptyContext as RollupFlowEmptyContext;
  const options = {
    config: { bsn_activation_height: 0, finality_signature_interval: 1, min_pub_rand: 1 },
    babylonChainId: "unused",
    contractAddress: "unused",
    emptySigningContext: true,
  };
  const commitJson = () => v.contract_json.repo_kat_commit_msg_ctx_empty.commit_public_randomness;
  const voteJson = () => v.contract_json.repo_kat_submit_msg_ctx_empty.submit_finality_signature;
  const record = () => ({
    start_height: v.commit.start_height,
    num_pub_rand: v.commit.num_pub_rand,
    interval: 1,
    commitment: hexToBytes(v.commit.commitment),
  });

  it("the commit passes (covering 100..1099)", () => {
    const checked = checkCommitPublicRandomness(commitJson(), options);
    expect(checked.endHeight).toBe(1099n);
  });

  it("both conflicting votes at 101 pass against that commit", () => {
    const commit = findCoveringCommit([record()], 101, hexToBytes(v.fp_pubkey_hex));
    expect(checkSubmitFinalitySignature(voteJson(), options, commit).height).toBe(101n);
    const second = v.votes[1];
    if (!second) throw new Error("vector has no second vote");
    const fork = { ...voteJson(), block_hash: b64(second.block_hash), signature: b64(second.signature) };
    expect(() => checkSubmitFinalitySignature(fork, options, commit)).not.toThrow();
  });

  it("the same data fails under a non-empty context", () => {
    const withContext = { ...options, emptySigningContext: false };
    expect(() => checkCommitPublicRandomness(commitJson(), withContext)).toThrow("signature error");
    expect(() => checkSubmitFinalitySignature(voteJson(), withContext, record())).toThrow(
      "Failed to verify signature: EOTS",
    );
  });
});

describe.skipIf(!vectors)("derived data with a context, interval 5 (rollup-flow-with-context.json)", () => {
  const v = vectors?.rollupFlowWithContext as RollupFlowWithContext;
  const options = () => ({
    config: { bsn_activation_height: 100, finality_signature_interval: v.interval, min_pub_rand: 1 },
    babylonChainId: v.chain_id,
    contractAddress: v.contract_address,
  });

  it("the rules build the vector's contexts", () => {
    expect(ruleSigningContexts(options())).toEqual({
      commit: v.rand_commit_context,
      vote: v.fin_vote_context,
    });
  });

  it("the vector's commit and both votes at 105 pass", () => {
    const commitMsg = {
      fp_pubkey_hex: v.fp_pubkey_hex,
      start_height: v.start_height,
      num_pub_rand: v.num_pub_rand,
      commitment: b64(v.commitment),
      signature: b64(v.commit_bip340_sig_aux0),
    };
    expect(checkCommitPublicRandomness(commitMsg, options()).endHeight).toBe(115n);
    const record = { ...commitMsg, interval: v.interval, commitment: hexToBytes(v.commitment) };
    for (const vote of v.votes) {
      const msg: SubmitFinalitySignatureMsg = {
        fp_pubkey_hex: v.fp_pubkey_hex,
        height: v.vote_height,
        pub_rand: b64(v.pub_rands[v.proof.index] as string),
        proof: { ...v.proof, leaf_hash: b64(v.proof.leaf_hash), aunts: v.proof.aunts.map(b64) },
        block_hash: b64(vote.block_hash),
        signature: b64(vote.eots_sig),
      };
      expect(() => checkSubmitFinalitySignature(msg, options(), record)).not.toThrow();
      // Under the empty context the same signature is wrong.
      expect(() =>
        checkSubmitFinalitySignature(msg, { ...options(), emptySigningContext: true }, record),
      ).toThrow("Failed to verify signature: EOTS");
    }
  });
});
