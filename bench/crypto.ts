/**
 * @module Crypto-core throughput benchmark: fixed operation counts, so a run takes a bounded time
 * (well under a minute on a 2-core CI machine). Pure apart from the clock; `bench/run.ts` prints it.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { verifySchnorr } from "tiny-secp256k1";
import { verifyEotsLikeContract } from "../src/contract-rules/eots.ts";
import {
  bip340Sign,
  bip340Verify,
  concatBytes,
  deriveRandomness,
  eotsSign,
  eotsVerify,
  loadWasmSchnorrEngine,
  type MerkleProof,
  merkleProofs,
  merkleRoot,
  nobleSchnorrEngine,
  type SchnorrEngine,
  u64ToBigEndian,
  verifyMerkleProof,
  withSchnorrEngine,
  xOnlyPublicKey,
} from "../src/crypto/index.ts";

export type BenchResult = { name: string; ops: number; ms: number; opsPerSec: number };

export type BenchOptions = {
  eotsVerifications?: number;
  /** Verifications per round of the libsecp256k1 rows (baseline and wasm engine). */
  wasmVerifications?: number;
  merkleLeaves?: number;
  merkleVerifications?: number;
};

/** The package's own API, as an application would call it: the figure the wasm engine is held to. */
export const WASM_BASELINE = "tiny-secp256k1 verifySchnorr(sha256(m))";
/** Rows compared with {@link WASM_BASELINE} (`bench/run.ts` prints the ratios). */
export const WASM_ROWS = [
  "eotsVerify [noble engine]",
  "eotsVerify [wasm engine]",
  "verifyEotsLikeContract [wasm engine]",
] as const;
/** Alternating rounds of the libsecp256k1 rows; each keeps its best, so a busy neighbour skews less. */
const WASM_ROUNDS = 3;

/** A fixed, distinct 32-byte value per index (keys, nonces and leaves must not repeat). */
const seeded = (tag: number, i: number) => {
  const out = new Uint8Array(32);
  out[0] = tag;
  out.set(u64ToBigEndian(i + 1), 24);
  return out;
};

function measure(name: string, ops: number, fn: () => void): BenchResult {
  const start = performance.now();
  fn();
  const ms = performance.now() - start;
  return { name, ops, ms, opsPerSec: ops / (ms / 1000) };
}

/** Runs every measurement once and returns the figures (no printing). */
export async function runCryptoBench(options: BenchOptions = {}): Promise<BenchResult[]> {
  const eotsCount = options.eotsVerifications ?? 2_000;
  const leafCount = options.merkleLeaves ?? 50_000;
  const merkleCount = options.merkleVerifications ?? 20_000;
  const results: BenchResult[] = [];

  // EOTS: a pool of distinct signatures, cycled. Verification cost does not depend on which one.
  const poolSize = 64;
  const sk = seeded(1, 0);
  const pk = xOnlyPublicKey(sk);
  const pool = Array.from({ length: poolSize }, (_, i) => {
    const privRand = seeded(2, i);
    const message = seeded(3, i);
    const pubRand = xOnlyPublicKey(privRand);
    const sig = eotsSign(sk, privRand, message);
    // The same signature as BIP-340 sees it, for the baseline row.
    return { pubRand, privRand, message, sig, bip340Sig: concatBytes(pubRand, sig) };
  });
  const wasm = await loadWasmSchnorrEngine();
  if (!wasm) throw new Error("benchmark: the wasm engine did not load");
  /** `count` verifications over the pool, all of which must succeed. */
  const countedEots = (name: string, count: number, verify: (item: (typeof pool)[number]) => boolean) => {
    let valid = 0;
    const result = measure(name, count, () => {
      for (let i = 0; i < count; i++) if (verify(pool[i % poolSize] as (typeof pool)[number])) valid++;
    });
    if (valid !== count) throw new Error(`benchmark self-check: ${name}: ${count - valid} signatures failed`);
    return result;
  };

  const eotsRow = (engine: SchnorrEngine, count: number) =>
    withSchnorrEngine(engine, () =>
      countedEots(`eotsVerify [${engine.name} engine]`, count, (item) =>
        eotsVerify(pk, item.pubRand, item.message, item.sig),
      ),
    );
  results.push(eotsRow(nobleSchnorrEngine, eotsCount));
  // The same verification three ways over libsecp256k1: the package's API (after the SHA-256 that EOTS
  // needs), the crypto core with the wasm engine, and the contract's EOTS step with it.
  const wasmCount = options.wasmVerifications ?? 4_000;
  const libsecpRows = [
    () =>
      countedEots(WASM_BASELINE, wasmCount, (item) =>
        verifySchnorr(sha256(item.message), pk, item.bip340Sig),
      ),
    () => eotsRow(wasm, wasmCount),
    () =>
      withSchnorrEngine(wasm, () =>
        countedEots("verifyEotsLikeContract [wasm engine]", wasmCount, (item) => {
          verifyEotsLikeContract(pk, item.pubRand, item.message, item.sig);
          return true;
        }),
      ),
  ];
  for (const row of libsecpRows) row(); // warm-up
  const best = new Map<string, BenchResult>();
  for (let round = 0; round < WASM_ROUNDS; round++) {
    for (const row of libsecpRows) {
      const result = row();
      if (result.opsPerSec > (best.get(result.name)?.opsPerSec ?? 0)) best.set(result.name, result);
    }
  }
  results.push(...best.values());

  const signCount = 500;
  results.push(
    measure("eotsSign", signCount, () => {
      for (let i = 0; i < signCount; i++) {
        const item = pool[i % poolSize] as (typeof pool)[number];
        eotsSign(sk, item.privRand, item.message);
      }
    }),
  );

  const digest = seeded(4, 0);
  const bipSig = bip340Sign(sk, digest);
  const bipCount = 500;
  results.push(
    measure("bip340Verify", bipCount, () => {
      for (let i = 0; i < bipCount; i++) bip340Verify(pk, digest, bipSig);
    }),
  );

  const randCount = 500;
  results.push(
    measure("deriveRandomness", randCount, () => {
      for (let i = 0; i < randCount; i++) deriveRandomness(sk, "bench-rollup", i);
    }),
  );

  // Merkle: one commitment-sized tree, all proofs built at once, then sampled verifications.
  const leaves = Array.from({ length: leafCount }, (_, i) => seeded(5, i));
  let root: Uint8Array = new Uint8Array(0);
  results.push(
    measure(`merkleRoot (${leafCount} leaves)`, 1, () => {
      root = merkleRoot(leaves);
    }),
  );
  let proofs: MerkleProof[] = [];
  results.push(
    measure(`merkleProofs (${leafCount} leaves)`, 1, () => {
      proofs = merkleProofs(leaves);
    }),
  );
  let proven = 0;
  const stride = 7919; // a prime, so the sampled indices spread over the whole tree
  results.push(
    measure("verifyMerkleProof", merkleCount, () => {
      for (let i = 0; i < merkleCount; i++) {
        const index = (i * stride) % leafCount;
        if (verifyMerkleProof(proofs[index] as MerkleProof, root, leaves[index] as Uint8Array)) proven++;
      }
    }),
  );
  if (proven !== merkleCount) throw new Error(`benchmark self-check: ${merkleCount - proven} proofs failed`);

  return results;
}
