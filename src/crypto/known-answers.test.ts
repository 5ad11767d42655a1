// Known-answer tests against ../shared/vectors (read at run time, never copied into the repo).
import { sha256 } from "@noble/hashes/sha2.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eotsVectorBytes, merkleProofFromHex, voteIndex } from "../../test/support/known-answers.ts";
import { loadKnownAnswers } from "../../test/support/vectors.ts";
import { bip340Sign, bip340Verify, xOnlyPublicKey } from "./bip340.ts";
import { base64ToBytes, bytesToHex, hexToBytes, utf8ToBytes } from "./bytes.ts";
import { bytesToScalar, CURVE_ORDER, hasOddY, Point, scalarToBytes } from "./curve.ts";
import { eotsExtract, eotsSign, eotsVerify } from "./eots.ts";
import {
  assertMerkleProof,
  emptyHash,
  innerHash,
  leafHash,
  type MerkleProof,
  merkleProofs,
  merkleRoot,
  verifyMerkleProof,
} from "./merkle.ts";
import { deriveRandomness } from "./randomness.ts";
import { type SchnorrEngine, schnorrEngine, setSchnorrEngine } from "./schnorr-engine.ts";
import { nobleSchnorrEngine } from "./schnorr-noble.ts";
import { loadWasmSchnorrEngine } from "./schnorr-wasm-load.ts";
import { commitDigest, commitMessage, signingContext, voteMessage } from "./signing-context.ts";

const kat = loadKnownAnswers();
// Only dereferenced inside test bodies, which do not run when the suite is skipped.
const v = () => kat as NonNullable<typeof kat>;

const wasmEngine = await loadWasmSchnorrEngine();
if (!wasmEngine) throw new Error("the wasm engine did not load in Node");
const ENGINES: SchnorrEngine[] = [nobleSchnorrEngine, wasmEngine];

/** A suite that verifies signatures: run once per engine, with that engine installed throughout. */
const perEngine = (title: string, body: () => void) =>
  describe.skipIf(!kat).each(ENGINES)(`${title} [$name engine]`, (engine) => {
    beforeAll(() => setSchnorrEngine(engine));
    afterAll(() => setSchnorrEngine(nobleSchnorrEngine));
    it("runs with that engine installed", () => expect(schnorrEngine()).toBe(engine));
    body();
  });

const hex = (text: string) => hexToBytes(text);
const lower = (text: string) => text.toLowerCase();

/** The even-Y-normalised key EOTS extraction yields: `n − sk` when `sk·G` has odd Y. */
const normalisedKey = (skHex: string) => {
  const sk = bytesToScalar(hex(skHex));
  return bytesToHex(scalarToBytes(hasOddY(Point.BASE.multiply(sk)) ? CURVE_ORDER - sk : sk));
};

perEngine("known answers: BIP-340 (bip340.csv)", () => {
  it("has all 19 rows", () => {
    expect(v().bip340.map((row) => row.index)).toEqual([...Array(19).keys()]);
  });

  it.each(kat?.bip340 ?? [])("row $index verifies to $valid ($comment)", (row) => {
    expect(bip340Verify(hex(row.publicKey), hex(row.message), hex(row.signature))).toBe(row.valid);
  });

  it.each((kat?.bip340 ?? []).filter((row) => row.secretKey !== ""))(
    "row $index: signing with its aux_rand reproduces the signature and public key",
    (row) => {
      expect(bytesToHex(xOnlyPublicKey(hex(row.secretKey)))).toBe(lower(row.publicKey));
      expect(bytesToHex(bip340Sign(hex(row.secretKey), hex(row.message), hex(row.auxRand)))).toBe(
        lower(row.signature),
      );
    },
  );
});

perEngine("known answers: EOTS (eots.json)", () => {
  it("covers both parity branches", () => {
    const parities = v().eots.map((vec) => [
      hasOddY(Point.BASE.multiply(bytesToScalar(hex(vec.sk)))),
      hasOddY(Point.BASE.multiply(bytesToScalar(hex(vec.sr)))),
    ]);
    expect(parities).toEqual([
      [false, false],
      [true, true],
      [false, true],
    ]);
  });

  it.each(kat?.eots ?? [])("$name: keys, sign, verify, extract", (vec) => {
    const b = eotsVectorBytes(vec);
    expect(bytesToHex(xOnlyPublicKey(b.sk))).toBe(vec.pk);
    expect(bytesToHex(xOnlyPublicKey(b.sr))).toBe(vec.pr);
    expect(bytesToHex(eotsSign(b.sk, b.sr, b.msg1))).toBe(vec.sig1);
    expect(bytesToHex(eotsSign(b.sk, b.sr, b.msg2))).toBe(vec.sig2);
    expect(eotsVerify(b.pk, b.pr, b.msg1, b.sig1)).toBe(true);
    expect(eotsVerify(b.pk, b.pr, b.msg2, b.sig2)).toBe(true);
    // Crossed message/signature pairs must fail.
    expect(eotsVerify(b.pk, b.pr, b.msg1, b.sig2)).toBe(false);
    const extracted = eotsExtract(b.pk, b.pr, b.msg1, b.sig1, b.msg2, b.sig2);
    expect(bytesToHex(extracted)).toBe(normalisedKey(vec.sk));
  });

  it("odd-Y key: extraction returns n − sk, which signs identically", () => {
    const vec = v().eots.find((e) => hasOddY(Point.BASE.multiply(bytesToScalar(hex(e.sk)))));
    if (!vec) throw new Error("no odd-Y vector in eots.json");
    const b = eotsVectorBytes(vec);
    const extracted = eotsExtract(b.pk, b.pr, b.msg1, b.sig1, b.msg2, b.sig2);
    expect(bytesToScalar(extracted)).toBe(CURVE_ORDER - bytesToScalar(b.sk));
    expect(bytesToHex(eotsSign(extracted, b.sr, b.msg1))).toBe(vec.sig1);
  });
});

describe.skipIf(!kat)("known answers: CometBFT merkle (merkle.json)", () => {
  it("hasher answers", () => {
    const [empty, emptyLeaf, leaf, inner] = v().merkle.hasher;
    expect(bytesToHex(emptyHash())).toBe(empty?.hash);
    expect(bytesToHex(leafHash(hex(emptyLeaf?.leaf ?? "zz")))).toBe(emptyLeaf?.hash);
    expect(bytesToHex(leafHash(utf8ToBytes(leaf?.leaf_ascii ?? "")))).toBe(leaf?.hash);
    expect(
      bytesToHex(innerHash(utf8ToBytes(inner?.left_ascii ?? ""), utf8ToBytes(inner?.right_ascii ?? ""))),
    ).toBe(inner?.hash);
    expect(bytesToHex(merkleRoot([]))).toBe(empty?.hash);
  });

  const leaves = (n: number) => Array.from({ length: n }, (_, i) => new Uint8Array(32).fill(i + 1));

  it("small-tree leaf hashes and roots for 1..5 leaves", () => {
    const { leaf_hashes, roots } = v().merkle.small_trees_derived;
    expect(Object.keys(roots)).toEqual(["1", "2", "3", "4", "5"]);
    expect(merkleProofs(leaves(5)).map((p) => bytesToHex(p.leafHash))).toEqual(leaf_hashes);
    for (const [n, root] of Object.entries(roots))
      expect(bytesToHex(merkleRoot(leaves(Number(n))))).toBe(root);
  });

  it("small-tree proofs match and verify", () => {
    const { proofs, roots } = v().merkle.small_trees_derived;
    expect(proofs.length).toBe(4);
    for (const expected of proofs) {
      const items = leaves(expected.n);
      const proof = merkleProofs(items)[expected.index] as MerkleProof;
      expect(proof.total).toBe(expected.n);
      expect(proof.index).toBe(expected.index);
      expect(proof.aunts.map(bytesToHex)).toEqual(expected.aunts);
      const root = hex(roots[String(expected.n)] as string);
      expect(verifyMerkleProof(proof, root, items[expected.index] as Uint8Array)).toBe(true);
    }
  });
});

describe.skipIf(!kat)("known answers: randomness derivation (randomness.json)", () => {
  it("has vectors of both R.y parities", () => {
    expect(new Set(v().randomness.vectors.map((r) => r.r_y_odd))).toEqual(new Set([true, false]));
  });

  it.each(kat?.randomness.vectors ?? [])("$chain_id at height $height", (vec) => {
    const { privRand, pubRand } = deriveRandomness(hex(v().randomness.key), vec.chain_id, vec.height);
    expect(bytesToHex(privRand)).toBe(vec.priv_rand);
    expect(bytesToHex(pubRand)).toBe(vec.pub_rand);
    // privRand is returned un-normalised: its point's parity is the vector's r_y_odd.
    expect(hasOddY(Point.BASE.multiply(bytesToScalar(privRand)))).toBe(vec.r_y_odd);
    expect(
      bytesToHex(deriveRandomness(hex(v().randomness.key), vec.chain_id, BigInt(vec.height)).privRand),
    ).toBe(vec.priv_rand);
  });
});

perEngine("known answers: rollup flow with a signing context", () => {
  const flow = () => v().rollupFlowWithContext;

  it("contexts from their preimages and from (kind, chain id, contract)", () => {
    const f = flow();
    expect(bytesToHex(sha256(utf8ToBytes(f.rand_commit_context_preimage)))).toBe(f.rand_commit_context);
    expect(bytesToHex(sha256(utf8ToBytes(f.fin_vote_context_preimage)))).toBe(f.fin_vote_context);
    expect(signingContext("fp_rand_commit", f.chain_id, f.contract_address)).toBe(f.rand_commit_context);
    expect(signingContext("fp_fin_vote", f.chain_id, f.contract_address)).toBe(f.fin_vote_context);
  });

  it("key, randomness and commitment", () => {
    const f = flow();
    expect(bytesToHex(xOnlyPublicKey(hex(f.fp_sk)))).toBe(f.fp_pubkey_hex);
    expect(f.sec_rands.map((sr) => bytesToHex(xOnlyPublicKey(hex(sr))))).toEqual(f.pub_rands);
    expect(f.pub_rands.length).toBe(f.num_pub_rand);
    expect(bytesToHex(merkleRoot(f.pub_rands.map(hex)))).toBe(f.commitment);
  });

  it("commit message bytes, digest and BIP-340 signature", () => {
    const f = flow();
    const msg = commitMessage(f.rand_commit_context, f.start_height, f.num_pub_rand, hex(f.commitment));
    expect(bytesToHex(msg)).toBe(f.commit_signed_bytes);
    const digest = commitDigest(f.rand_commit_context, f.start_height, f.num_pub_rand, hex(f.commitment));
    expect(digest).toEqual(sha256(msg));
    expect(bytesToHex(digest)).toBe(f.commit_sha256);
    expect(bip340Verify(hex(f.fp_pubkey_hex), digest, hex(f.commit_bip340_sig_aux0))).toBe(true);
    expect(bytesToHex(bip340Sign(hex(f.fp_sk), digest, new Uint8Array(32)))).toBe(f.commit_bip340_sig_aux0);
    // The digest, not the raw message, is what is signed.
    expect(bip340Verify(hex(f.fp_pubkey_hex), msg, hex(f.commit_bip340_sig_aux0))).toBe(false);
  });

  it("the proof is the one merkleProofs builds and verifies against the commitment", () => {
    const f = flow();
    const index = voteIndex(f);
    expect(f.proof.index).toBe(index);
    const pubRand = hex(f.pub_rands[index] as string);
    const proof = merkleProofFromHex(f.proof);
    expect(merkleProofs(f.pub_rands.map(hex))[index]).toEqual(proof);
    expect(() => assertMerkleProof(proof, hex(f.commitment), pubRand)).not.toThrow();
  });

  it("both votes: message bytes, hash, EOTS signature; extraction gives the key", () => {
    const f = flow();
    const index = voteIndex(f);
    const secRand = hex(f.sec_rands[index] as string);
    const pubRand = hex(f.pub_rands[index] as string);
    expect(f.votes.length).toBe(2);
    const messages = f.votes.map((vote) => {
      const msg = voteMessage(f.fin_vote_context, f.vote_height, hex(vote.block_hash));
      expect(bytesToHex(msg)).toBe(vote.signed_bytes);
      expect(bytesToHex(sha256(msg))).toBe(vote.msg_hash);
      expect(bytesToHex(eotsSign(hex(f.fp_sk), secRand, msg))).toBe(vote.eots_sig);
      expect(eotsVerify(hex(f.fp_pubkey_hex), pubRand, msg, hex(vote.eots_sig))).toBe(true);
      return msg;
    });
    const [m1, m2] = messages as [Uint8Array, Uint8Array];
    const [v1, v2] = f.votes as [(typeof f.votes)[number], (typeof f.votes)[number]];
    const key = eotsExtract(hex(f.fp_pubkey_hex), pubRand, m1, hex(v1.eots_sig), m2, hex(v2.eots_sig));
    expect(f.extracted_matches).toBe(true);
    expect(bytesToHex(key)).toBe(f.extracted_sk);
  });
});

perEngine("known answers: upstream rollup flow with the empty context", () => {
  const flow = () => v().rollupFlowEmptyContext;

  it("commit message digest and BIP-340 signature (btcd RFC-6979 nonce, so verify only)", () => {
    const f = flow();
    expect(f.signing_context).toBe("");
    expect(bytesToHex(xOnlyPublicKey(hex(f.fp_sk)))).toBe(f.fp_pubkey_hex);
    const msg = commitMessage("", f.commit.start_height, f.commit.num_pub_rand, hex(f.commit.commitment));
    expect(msg.length).toBe(48);
    const digest = commitDigest("", f.commit.start_height, f.commit.num_pub_rand, hex(f.commit.commitment));
    expect(digest).toEqual(sha256(msg));
    expect(bytesToHex(digest)).toBe(f.commit.signed_digest);
    expect(bip340Verify(hex(f.fp_pubkey_hex), digest, hex(f.commit.signature))).toBe(true);
  });

  it("the proof verifies against the commitment at the expected height", () => {
    const f = flow();
    expect(f.commit.start_height + f.proof.index * f.interval).toBe(f.height);
    expect(f.proof.total).toBe(f.commit.num_pub_rand);
    const proof = merkleProofFromHex(f.proof);
    expect(verifyMerkleProof(proof, hex(f.commit.commitment), hex(f.pub_rand))).toBe(true);
    expect(verifyMerkleProof({ ...proof, index: 2 }, hex(f.commit.commitment), hex(f.pub_rand))).toBe(false);
  });

  it("both votes: message hash and EOTS verification; extraction gives the key", () => {
    const f = flow();
    expect(f.votes.length).toBe(2);
    const messages = f.votes.map((vote) => {
      const msg = voteMessage("", f.height, hex(vote.block_hash));
      expect(bytesToHex(sha256(msg))).toBe(vote.msg_hash);
      expect(eotsVerify(hex(f.fp_pubkey_hex), hex(f.pub_rand), msg, hex(vote.signature))).toBe(true);
      // Double hashing (the HEAD eots crate's trap) must not verify.
      expect(eotsVerify(hex(f.fp_pubkey_hex), hex(f.pub_rand), sha256(msg), hex(vote.signature))).toBe(false);
      return msg;
    });
    const [m1, m2] = messages as [Uint8Array, Uint8Array];
    const [v1, v2] = f.votes as [(typeof f.votes)[number], (typeof f.votes)[number]];
    const [pk, pubRand] = [hex(f.fp_pubkey_hex), hex(f.pub_rand)];
    const key = eotsExtract(pk, pubRand, m1, hex(v1.signature), m2, hex(v2.signature));
    expect(bytesToHex(key)).toBe(f.extracted_sk);
    expect(f.extracted_sk).toBe(f.fp_sk);
  });

  it("contract_json base64 fields decode to the same bytes", () => {
    const f = flow();
    const commit = f.contract_json.repo_kat_commit_msg_ctx_empty.commit_public_randomness;
    expect(commit.fp_pubkey_hex).toBe(f.fp_pubkey_hex);
    expect([commit.start_height, commit.num_pub_rand]).toEqual([
      f.commit.start_height,
      f.commit.num_pub_rand,
    ]);
    expect(bytesToHex(base64ToBytes(commit.commitment))).toBe(f.commit.commitment);
    expect(bytesToHex(base64ToBytes(commit.signature))).toBe(f.commit.signature);

    const submit = f.contract_json.repo_kat_submit_msg_ctx_empty.submit_finality_signature;
    expect(submit.fp_pubkey_hex).toBe(f.fp_pubkey_hex);
    expect(submit.height).toBe(f.height);
    expect(bytesToHex(base64ToBytes(submit.pub_rand))).toBe(f.pub_rand);
    expect(bytesToHex(base64ToBytes(submit.block_hash))).toBe(f.votes[0]?.block_hash);
    expect(bytesToHex(base64ToBytes(submit.signature))).toBe(f.votes[0]?.signature);
    expect([submit.proof.total, submit.proof.index]).toEqual([f.proof.total, f.proof.index]);
    expect(bytesToHex(base64ToBytes(submit.proof.leaf_hash))).toBe(f.proof.leaf_hash);
    expect(submit.proof.aunts.map((a) => bytesToHex(base64ToBytes(a)))).toEqual(f.proof.aunts);
  });
});
