// Runs a representative subset of the crypto known answers inside workerd, to prove the core
// (noble, bigint math, TextEncoder, DataView) behaves there exactly as in Node — and the signature
// checks once per engine: noble, and libsecp256k1 from the .wasm bundled the way the Worker bundles it.
import { exports } from "cloudflare:workers";
import { sha256 } from "@noble/hashes/sha2.js";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import secp256k1Wasm from "../../node_modules/tiny-secp256k1/lib/secp256k1.wasm";
import {
  bip340Verify,
  bytesToHex,
  commitDigest,
  commitMessage,
  createWasmSchnorrEngine,
  deriveRandomness,
  eotsExtract,
  eotsSign,
  eotsVerify,
  eotsVerifyPoint,
  hexToBytes,
  installWasmSchnorrEngine,
  merkleProofs,
  merkleRoot,
  nobleSchnorrEngine,
  type SchnorrEngine,
  schnorrEngine,
  setSchnorrEngine,
  signingContext,
  verifyMerkleProof,
  voteMessage,
} from "../../src/crypto/index.ts";
import {
  eotsVectorBytes,
  merkleProofFromHex,
  type RawSharedVectors,
  readKnownAnswers,
  voteIndex,
} from "../support/known-answers.ts";

const injected = inject("sharedVectors");
if (!injected)
  console.warn("shared vectors not provided by global setup: skipping workerd crypto known answers");
const kat = injected ? readKnownAnswers(JSON.parse(injected) as RawSharedVectors) : undefined;
const v = () => kat as NonNullable<typeof kat>;
const hex = (text: string) => hexToBytes(text);

describe("the wasm engine in workerd", () => {
  afterAll(() => setSchnorrEngine(nobleSchnorrEngine));

  it("the Worker entry installs it when it loads (this file shares the entry's modules)", async () => {
    expect(schnorrEngine().name).toBe("noble");
    expect((await exports.default.fetch("http://edge.test/healthz")).status).toBe(200);
    expect(schnorrEngine().name).toBe("wasm");
  });

  it("a .wasm import is a compiled module, which installs synchronously", () => {
    expect(navigator.userAgent).toBe("Cloudflare-Workers");
    expect(secp256k1Wasm).toBeInstanceOf(WebAssembly.Module);
    expect(installWasmSchnorrEngine(secp256k1Wasm)).toBe(true);
    expect(schnorrEngine().name).toBe("wasm");
  });
});

const ENGINES: SchnorrEngine[] = [nobleSchnorrEngine, createWasmSchnorrEngine(secp256k1Wasm)];

describe.skipIf(!kat).each(ENGINES)("signature known answers in workerd [$name engine]", (engine) => {
  beforeAll(() => setSchnorrEngine(engine));
  afterAll(() => setSchnorrEngine(nobleSchnorrEngine));

  it("runs with that engine installed", () => {
    expect(schnorrEngine()).toBe(engine);
  });

  it("all 19 BIP-340 verification rows", () => {
    expect(v().bip340.length).toBe(19);
    for (const row of v().bip340) {
      expect(bip340Verify(hex(row.publicKey), hex(row.message), hex(row.signature)), `row ${row.index}`).toBe(
        row.valid,
      );
    }
  });

  it("EOTS sign, verify and extract", () => {
    expect(v().eots.length).toBeGreaterThan(0);
    for (const vec of v().eots) {
      const b = eotsVectorBytes(vec);
      expect(bytesToHex(eotsSign(b.sk, b.sr, b.msg1))).toBe(vec.sig1);
      expect(bytesToHex(eotsSign(b.sk, b.sr, b.msg2))).toBe(vec.sig2);
      expect(eotsVerify(b.pk, b.pr, b.msg1, b.sig1)).toBe(true);
      expect(eotsVerify(b.pk, b.pr, b.msg2, b.sig1)).toBe(false);
      expect(eotsVerifyPoint(b.pk, b.pr, b.msg2, b.sig2)).toBe(true);
      const key = eotsExtract(b.pk, b.pr, b.msg1, b.sig1, b.msg2, b.sig2);
      // The extracted key is even-Y-normalised: it re-signs both messages identically.
      expect(bytesToHex(eotsSign(key, b.sr, b.msg2))).toBe(vec.sig2);
    }
  });

  it("the rollup flow with a signing context", () => {
    const f = v().rollupFlowWithContext;
    expect(signingContext("fp_rand_commit", f.chain_id, f.contract_address)).toBe(f.rand_commit_context);
    expect(signingContext("fp_fin_vote", f.chain_id, f.contract_address)).toBe(f.fin_vote_context);
    expect(bytesToHex(merkleRoot(f.pub_rands.map(hex)))).toBe(f.commitment);

    const commit = commitMessage(f.rand_commit_context, f.start_height, f.num_pub_rand, hex(f.commitment));
    expect(bytesToHex(commit)).toBe(f.commit_signed_bytes);
    const digest = commitDigest(f.rand_commit_context, f.start_height, f.num_pub_rand, hex(f.commitment));
    expect(bytesToHex(digest)).toBe(f.commit_sha256);
    expect(bip340Verify(hex(f.fp_pubkey_hex), digest, hex(f.commit_bip340_sig_aux0))).toBe(true);

    const index = voteIndex(f);
    const pubRand = hex(f.pub_rands[index] as string);
    const proof = merkleProofFromHex(f.proof);
    expect(merkleProofs(f.pub_rands.map(hex))[index]).toEqual(proof);
    expect(verifyMerkleProof(proof, hex(f.commitment), pubRand)).toBe(true);

    const [vote1, vote2] = f.votes as [(typeof f.votes)[number], (typeof f.votes)[number]];
    const m1 = voteMessage(f.fin_vote_context, f.vote_height, hex(vote1.block_hash));
    const m2 = voteMessage(f.fin_vote_context, f.vote_height, hex(vote2.block_hash));
    expect(bytesToHex(m1)).toBe(vote1.signed_bytes);
    expect(bytesToHex(sha256(m2))).toBe(vote2.msg_hash);
    expect(bytesToHex(eotsSign(hex(f.fp_sk), hex(f.sec_rands[index] as string), m1))).toBe(vote1.eots_sig);
    expect(eotsVerify(hex(f.fp_pubkey_hex), pubRand, m2, hex(vote2.eots_sig))).toBe(true);
    const key = eotsExtract(hex(f.fp_pubkey_hex), pubRand, m1, hex(vote1.eots_sig), m2, hex(vote2.eots_sig));
    expect(bytesToHex(key)).toBe(f.extracted_sk);
  });
});

describe.skipIf(!kat)("crypto known answers in workerd", () => {
  it("runs inside workerd", () => {
    expect(navigator.userAgent).toBe("Cloudflare-Workers");
  });

  it("merkle roots of the small trees", () => {
    const { roots } = v().merkle.small_trees_derived;
    expect(Object.keys(roots).length).toBe(5);
    for (const [n, root] of Object.entries(roots)) {
      const leaves = Array.from({ length: Number(n) }, (_, i) => new Uint8Array(32).fill(i + 1));
      expect(bytesToHex(merkleRoot(leaves))).toBe(root);
    }
  });

  it("randomness derivation", () => {
    const { key, vectors } = v().randomness;
    expect(vectors.length).toBeGreaterThan(0);
    for (const vec of vectors) {
      const { privRand, pubRand } = deriveRandomness(hex(key), vec.chain_id, vec.height);
      expect(bytesToHex(privRand)).toBe(vec.priv_rand);
      expect(bytesToHex(pubRand)).toBe(vec.pub_rand);
    }
  });
});
