/**
 * @module Crypto-core throughput benchmark: fixed operation counts, so a run takes a bounded time
 * (well under a minute on a 2-core CI machine). Pure apart from the clock; `bench/run.ts` prints it.
 */
import {
  bip340Sign,
  bip340Verify,
  deriveRandomness,
  eotsSign,
  eotsVerify,
  type MerkleProof,
  merkleProofs,
  merkleRoot,
  u64ToBigEndian,
  verifyMerkleProof,
  xOnlyPublicKey,
} from "../src/crypto/index.ts";

export type BenchResult = { name: string; ops: number; ms: number; opsPerSec: number };

export type BenchOptions = {
  eotsVerifications?: number;
  merkleLeaves?: number;
  merkleVerifications?: number;
};

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
    return { pubRand: xOnlyPublicKey(privRand), privRand, message, sig: eotsSign(sk, privRand, message) };
  });
  let valid = 0;
  results.push(
    measure("eotsVerify", eotsCount, () => {
      for (let i = 0; i < eotsCount; i++) {
        const item = pool[i % poolSize] as (typeof pool)[number];
        if (eotsVerify(pk, item.pubRand, item.message, item.sig)) valid++;
      }
    }),
  );
  if (valid !== eotsCount)
    throw new Error(`benchmark self-check: ${eotsCount - valid} EOTS signatures failed`);

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
