/**
 * @module Benchmark Worker: verifies the posted votes `rounds` times with the submission path's own
 * `verifyVoteSubmission` over an in-memory chain state, so the time measured is verification alone.
 * workerd freezes clocks during execution, so the caller times the request from outside.
 */
import secp256k1Wasm from "../../node_modules/tiny-secp256k1/lib/secp256k1.wasm";
import {
  base64ToBytes,
  createWasmSchnorrEngine,
  nobleSchnorrEngine,
  setSchnorrEngine,
} from "../../src/crypto/index.ts";
import { verifyVoteSubmission } from "../../src/submission/verify-vote.ts";
import { fakeChain, fakeChainState } from "../../test/support/fake-submission-chain.ts";

type Job = {
  fpHex: string;
  bsnId: string;
  babylonChainId: string;
  contractAddress: string;
  commit: { startHeight: number; numPubRand: number; commitment: string };
  votes: unknown[];
  rounds: number;
  /** The signature engine to verify with (default noble). */
  engine?: "noble" | "wasm";
};

const ENGINES = { noble: nobleSchnorrEngine, wasm: createWasmSchnorrEngine(secp256k1Wasm) };

export default {
  async fetch(request: Request): Promise<Response> {
    if (request.method !== "POST") return new Response("ok");
    const job = (await request.json()) as Job;
    // Per request, which is only sound here: the benchmark sends one request at a time.
    setSchnorrEngine(ENGINES[job.engine ?? "noble"]);
    const chain = fakeChain({
      config: {
        bsnId: job.bsnId,
        bsnActivationHeight: 1n,
        finalitySignatureInterval: 1n,
        minPubRand: 1n,
        rateLimiting: { maxMsgsPerInterval: 1_000_000, blockInterval: 1n },
      },
      allowlist: new Set([job.fpHex]),
      fps: new Map([[job.fpHex, { bsnId: job.bsnId, slashedBabylonHeight: 0n, slashedBtcHeight: 0n }]]),
      commits: new Map([
        [
          job.fpHex,
          [
            {
              startHeight: BigInt(job.commit.startHeight),
              numPubRand: BigInt(job.commit.numPubRand),
              interval: 1n,
              babylonEpoch: 1n,
              commitment: base64ToBytes(job.commit.commitment),
            },
          ],
        ],
      ]),
      lastFinalizedEpoch: 1n,
    });
    const state = fakeChainState(chain);
    const opts = { babylonChainId: job.babylonChainId, contractAddress: job.contractAddress };
    let verified = 0;
    for (let round = 0; round < job.rounds; round++) {
      for (const vote of job.votes) {
        const result = await verifyVoteSubmission(vote, state, opts);
        if (result.outcome === "new") verified++;
      }
      chain.calls.length = 0;
    }
    return Response.json({ verified });
  },
};
