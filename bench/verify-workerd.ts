/**
 * `npx node scripts/run-ts.mjs bench/verify-workerd.ts`: vote verifications per second on ONE core inside workerd
 * (the benchmark Worker under `wrangler dev`, bench/verify-worker/) against the same verification in Node, in one
 * run. Each vote runs the whole `verifyVoteSubmission` (field checks, covering commit, merkle proof, EOTS) over
 * an in-memory chain state. workerd's clock stands still while JavaScript runs, so requests are timed from
 * outside, and an empty request (rounds = 0) gives the fixed cost that is subtracted.
 * Bounded: a fixed number of votes and rounds; wrangler runs in its own process group and is stopped by group id.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256 } from "@noble/hashes/sha2.js";
import { freePort } from "../devnet/processes.ts";
import { startWranglerDev } from "../devnet/wrangler-dev.ts";
import { bytesToBase64, utf8ToBytes } from "../src/crypto/index.ts";
import { createFinalityProviderSigner } from "../src/provider/index.ts";
import { fakeChain, fakeChainState } from "../src/submission/verify-test-support.ts";
import { verifyVoteSubmission } from "../src/submission/verify-vote.ts";

const VOTES = 200;
const ROUNDS = 5;
const REPEATS = 3;

const opts = { babylonChainId: "bbn-bench-1", contractAddress: "bbn1benchcontract" };
const bsnId = "bench-bsn";
const signer = createFinalityProviderSigner({
  secretKey: sha256(utf8ToBytes("verify bench fp")),
  bsnId,
  ...opts,
  bsnActivationHeight: 1,
  finalitySignatureInterval: 1,
});
const { commit } = await signer.commitPublicRandomness({ startHeight: 1, numPubRand: 1_000 });
const votes: unknown[] = [];
for (let h = 1; h <= VOTES; h++) {
  const msg = await signer.submitFinalitySignature({
    height: h,
    blockHash: sha256(utf8ToBytes(`block ${h}`)),
  });
  votes.push(msg.submit_finality_signature);
}
const job = (rounds: number) =>
  JSON.stringify({
    fpHex: signer.publicKeyHex,
    bsnId,
    ...opts,
    commit: { startHeight: 1, numPubRand: 1_000, commitment: bytesToBase64(commit.commitment) },
    votes,
    rounds,
  });

async function nodeRate(): Promise<number> {
  const chain = fakeChain({
    config: {
      bsnId,
      bsnActivationHeight: 1n,
      finalitySignatureInterval: 1n,
      minPubRand: 1n,
      rateLimiting: { maxMsgsPerInterval: 1_000_000, blockInterval: 1n },
    },
    allowlist: new Set([signer.publicKeyHex]),
    fps: new Map([[signer.publicKeyHex, { bsnId, slashedBabylonHeight: 0n, slashedBtcHeight: 0n }]]),
    commits: new Map([
      [
        signer.publicKeyHex,
        [
          {
            startHeight: 1n,
            numPubRand: 1_000n,
            interval: 1n,
            babylonEpoch: 1n,
            commitment: commit.commitment,
          },
        ],
      ],
    ]),
    lastFinalizedEpoch: 1n,
  });
  const state = fakeChainState(chain);
  for (const v of votes.slice(0, 20)) await verifyVoteSubmission(v, state, opts); // warm-up
  const started = performance.now();
  for (let r = 0; r < ROUNDS; r++) for (const v of votes) await verifyVoteSubmission(v, state, opts);
  return (VOTES * ROUNDS) / ((performance.now() - started) / 1000);
}

async function timed(url: string, rounds: number): Promise<number> {
  const started = performance.now();
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: job(rounds),
  });
  const answer = (await res.json()) as { verified: number };
  const elapsed = performance.now() - started;
  // Every vote must have verified, or the figure would time refusals.
  if (!res.ok || answer.verified !== VOTES * rounds) {
    throw new Error(`bench worker: HTTP ${res.status}, verified ${answer.verified} of ${VOTES * rounds}`);
  }
  return elapsed;
}

const persistTo = mkdtempSync(join(tmpdir(), "finality-edge-verify-bench-"));
const worker = await startWranglerDev({
  port: await freePort(),
  persistTo,
  config: "bench/verify-worker/wrangler.toml",
  readyPath: "/",
});
try {
  await timed(worker.url, 1); // warm-up (JIT, module load)
  const rates: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const empty = await timed(worker.url, 0);
    const full = await timed(worker.url, ROUNDS);
    rates.push((VOTES * ROUNDS) / ((full - empty) / 1000));
  }
  rates.sort((a, b) => a - b);
  const workerd = rates[Math.floor(rates.length / 2)] as number;
  const node = await nodeRate();
  console.log(
    `vote verification (whole verifyVoteSubmission: fields, merkle proof, EOTS), ${VOTES * ROUNDS} per run`,
  );
  console.log(`workerd (wrangler dev, one isolate): ${Math.round(workerd)} votes/s (median of ${REPEATS})`);
  console.log(`node ${process.version}:                ${Math.round(node)} votes/s`);
  console.log(`workerd / node = ${(workerd / node).toFixed(2)}× (same run)`);
} finally {
  await worker.stop();
  rmSync(persistTo, { recursive: true, force: true });
}
