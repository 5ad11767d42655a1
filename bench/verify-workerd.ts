/**
 * `npx node scripts/run-ts.mjs bench/verify-workerd.ts`: vote verifications per second on ONE core inside workerd
 * (the benchmark Worker under `wrangler dev`, bench/verify-worker/) against the same verification in Node, in one
 * run. Each vote runs the whole `verifyVoteSubmission` (field checks, covering commit, merkle proof, EOTS) over
 * an in-memory chain state, once with each signature engine (noble, and libsecp256k1 as WebAssembly) on each side.
 * workerd's clock stands still while JavaScript runs, so requests are timed from outside, and an empty request
 * (rounds = 0) gives the fixed cost that is subtracted.
 * Bounded: a fixed number of votes and rounds; wrangler runs in its own process group and is stopped by group id.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256 } from "@noble/hashes/sha2.js";
import { freePort } from "../devnet/processes.ts";
import { startWranglerDev } from "../devnet/wrangler-dev.ts";
import {
  bytesToBase64,
  loadWasmSchnorrEngine,
  nobleSchnorrEngine,
  type SchnorrEngine,
  setSchnorrEngine,
  utf8ToBytes,
} from "../src/crypto/index.ts";
import { createFinalityProviderSigner } from "../src/provider/index.ts";
import { verifyVoteSubmission } from "../src/submission/verify-vote.ts";
import { fakeChain, fakeChainState } from "../test/support/fake-submission-chain.ts";

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
type EngineName = SchnorrEngine["name"];
const ENGINE_NAMES: EngineName[] = ["noble", "wasm"];

const job = (rounds: number, engine: EngineName) =>
  JSON.stringify({
    engine,
    fpHex: signer.publicKeyHex,
    bsnId,
    ...opts,
    commit: { startHeight: 1, numPubRand: 1_000, commitment: bytesToBase64(commit.commitment) },
    votes,
    rounds,
  });

const wasmEngine = await loadWasmSchnorrEngine();
if (!wasmEngine) throw new Error("bench: the wasm engine did not load in Node");
const NODE_ENGINES: Record<EngineName, SchnorrEngine> = { noble: nobleSchnorrEngine, wasm: wasmEngine };

/** Votes per second in this process with `engine` installed (this program runs nothing else meanwhile). */
async function nodeRate(engine: EngineName): Promise<number> {
  setSchnorrEngine(NODE_ENGINES[engine]);
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

async function timed(url: string, rounds: number, engine: EngineName): Promise<number> {
  const started = performance.now();
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: job(rounds, engine),
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
/** Median votes/s of the benchmark Worker with `engine`, fixed request cost subtracted. */
async function workerdRate(url: string, engine: EngineName): Promise<number> {
  await timed(url, 1, engine); // warm-up (JIT, module load)
  const rates: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const empty = await timed(url, 0, engine);
    const full = await timed(url, ROUNDS, engine);
    rates.push((VOTES * ROUNDS) / ((full - empty) / 1000));
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)] as number;
}

try {
  const rates = new Map<string, number>();
  for (const engine of ENGINE_NAMES) rates.set(`workerd ${engine}`, await workerdRate(worker.url, engine));
  for (const engine of ENGINE_NAMES) rates.set(`node ${engine}`, await nodeRate(engine));
  const rate = (name: string) => rates.get(name) as number;
  console.log(
    `vote verification (whole verifyVoteSubmission: fields, merkle proof, EOTS), ${VOTES * ROUNDS} per run`,
  );
  for (const engine of ENGINE_NAMES) {
    const label = `workerd (wrangler dev, one isolate), ${engine}:`.padEnd(44);
    console.log(`${label}${Math.round(rate(`workerd ${engine}`))} votes/s (median of ${REPEATS})`);
  }
  for (const engine of ENGINE_NAMES) {
    console.log(
      `${`node ${process.version}, ${engine}:`.padEnd(44)}${Math.round(rate(`node ${engine}`))} votes/s`,
    );
  }
  console.log(
    `workerd wasm / noble = ${(rate("workerd wasm") / rate("workerd noble")).toFixed(2)}× (same run)`,
  );
  console.log(`node wasm / noble = ${(rate("node wasm") / rate("node noble")).toFixed(2)}× (same run)`);
  console.log(
    `workerd / node = ${(rate("workerd wasm") / rate("node wasm")).toFixed(2)}× with wasm, ${(rate("workerd noble") / rate("node noble")).toFixed(2)}× with noble`,
  );
} finally {
  await worker.stop();
  rmSync(persistTo, { recursive: true, force: true });
}
