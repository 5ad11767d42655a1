/**
 * @module The HTTP app wired for in-process fuzzing: two chains over fake readers and a fake submission chain
 * state, a full fake `Env` (KV, queues, rate limiters that always allow), and a KV template seeded through the
 * app itself (a finalized decision, a tip, submission records, an equivocation) that every request starts from.
 *
 * Each request gets a fresh copy of the template KV, so an answer depends only on the request: a failing
 * request found by the fuzzer replays and shrinks to the same answer.
 */

import { sha256 } from "@noble/hashes/sha2.js";
import { createApp } from "../../src/api/app.ts";
import type { ChainReaders } from "../../src/api/context.ts";
import { BabylonInvalidResponseError, BabylonUnavailableError } from "../../src/babylon/index.ts";
import { coordinatorStub } from "../../src/coordinator/client.ts";
import { utf8ToBytes } from "../../src/crypto/index.ts";
import { UpstreamUnavailableError } from "../../src/errors/upstream.ts";
import { createFinalityProviderSigner, createMemoryDoubleSignGuard } from "../../src/provider/index.ts";
import type { SubmissionDeps } from "../../src/submission/edge-state.ts";
import type { SubmissionChainState } from "../../src/submission/types.ts";
import { coordinatorNamespace } from "./coordinator-namespace.ts";
import { CONTRACT_ADDRESS, fakeReaders, memoryKv } from "./fake-readers.ts";
import { chainWithOneFp, fakeChain, fakeChainState } from "./fake-submission-chain.ts";
import { sqliteD1 } from "./sqlite-d1.ts";

/** Which fake upstream a request was told to fail (502/503 are legitimate answers only then). */
export type Fault = "none" | "babylon_unavailable" | "babylon_invalid" | "l2_unavailable" | "queue_down";
export const FAULTS: readonly Fault[] = [
  "babylon_unavailable",
  "babylon_invalid",
  "l2_unavailable",
  "queue_down",
];

export const CHAIN_IDS = ["op-devnet", "op-devnet-b"] as const;
const BABYLON_CHAIN_ID = "bbn-devnet";
/** The submission state's contract config (bsn id, activation 12, interval 5) from verify-test-support. */
const SUBMISSION_CONFIG = fakeChain().config;

/** Values the generators draw "valid-looking" path parameters and bodies from. */
export type FuzzPools = {
  chains: readonly string[];
  /** Canonical hashes of the fake L2 chain (0x, lowercase). */
  blockHashes: readonly string[];
  /** Transaction hashes the fake node knows (included and pending). */
  txHashes: readonly string[];
  /** Ids of submissions recorded in the template KV. */
  submissionIds: readonly string[];
  /** The fake FP's key (registered, allowlisted, with a commit). */
  fpKeys: readonly string[];
  /** Heights with equivocation evidence in the template KV. */
  evidenceHeights: readonly string[];
  /** Signed, valid `commit_public_randomness` bodies (one recorded, one fresh, one overlapping). */
  commits: readonly Record<string, unknown>[];
  /** Signed, valid `submit_finality_signature` bodies (recorded, fresh, and one equivocating). */
  votes: readonly Record<string, unknown>[];
  /** ETags the app answered during seeding (304 candidates). */
  etags: readonly string[];
};

export type FuzzHarness = {
  /** Sends one request to the app with a fresh KV copy and the given upstream fault. */
  send(request: Request, fault: Fault): Promise<Response>;
  pools: FuzzPools;
};

const alwaysAllow = { limit: async () => ({ success: true }) };

export async function createFuzzHarness(): Promise<FuzzHarness> {
  // Deterministic keys and aux randomness: the same seed generates byte-identical bodies in every process.
  const options = {
    secretKey: sha256(utf8ToBytes("fuzz fp")),
    bsnId: SUBMISSION_CONFIG.bsnId,
    babylonChainId: BABYLON_CHAIN_ID,
    contractAddress: CONTRACT_ADDRESS,
    bsnActivationHeight: Number(SUBMISSION_CONFIG.bsnActivationHeight),
    finalitySignatureInterval: Number(SUBMISSION_CONFIG.finalitySignatureInterval),
    auxRand: () => new Uint8Array(32),
  };
  const signer = createFinalityProviderSigner(options);
  const rogue = createFinalityProviderSigner({ ...options, doubleSignGuard: createMemoryDoubleSignGuard() });
  const stored = await signer.commitPublicRandomness({ startHeight: 12, numPubRand: 20 });
  await rogue.commitPublicRandomness({ startHeight: 12, numPubRand: 20 });
  const fpHex = signer.publicKeyHex;
  const later = [
    (await signer.commitPublicRandomness({ startHeight: 202, numPubRand: 20 })).msg.commit_public_randomness,
    (await signer.commitPublicRandomness({ startHeight: 302, numPubRand: 20 })).msg.commit_public_randomness,
  ];
  const blockHash = (label: string) => sha256(utf8ToBytes(label));
  const vote = async (height: number, label: string, s = signer) =>
    (await s.submitFinalitySignature({ height, blockHash: blockHash(label) })).submit_finality_signature;
  const seededVotes = [await vote(17, "a"), await vote(22, "a"), await vote(22, "b", rogue)];
  const freshVotes = [await vote(27, "a"), await vote(32, "a"), await vote(27, "b", rogue)];

  const submissionChain = chainWithOneFp(fpHex, SUBMISSION_CONFIG.bsnId, stored.commit.commitment, {
    // A budget the fuzzer cannot exhaust: a 429 would hide the verification paths behind it.
    config: { ...SUBMISSION_CONFIG, rateLimiting: { maxMsgsPerInterval: 1_000_000, blockInterval: 100n } },
  });
  // The fake state's call log would grow with every request; the fuzzer never reads it.
  const quietChain = { ...submissionChain, calls: { push: () => 0 } as unknown as string[] };

  // One set of fake readers per chain; the first has finalized blocks, the second only pending ones.
  const readersA = fakeReaders(31);
  readersA.vote([10, 15, 20, 25]);
  const readersB = fakeReaders(31);
  readersB.vote([10, 20]);
  const includedTx = `0x${"11".repeat(32)}`;
  const pendingTx = `0x${"22".repeat(32)}`;
  const forkedTx = `0x${"33".repeat(32)}`;
  for (const fake of [readersA, readersB]) {
    fake.txs.set(includedTx, { status: "included", blockNumber: 17n, blockHash: fake.hash(17) });
    fake.txs.set(pendingTx, { status: "pending" });
    fake.txs.set(forkedTx, { status: "included", blockNumber: 12n, blockHash: `0x${"99".repeat(32)}` });
  }

  let kv = memoryKv();
  let fault: Fault = "none";
  const faultError = (): Error | null => {
    switch (fault) {
      case "babylon_unavailable":
        return new BabylonUnavailableError("fuzz", new Error("fault injected"));
      case "babylon_invalid":
        return new BabylonInvalidResponseError("fuzz", "fault injected");
      case "l2_unavailable":
        return new UpstreamUnavailableError("l2", "L2 unavailable (fault injected)");
      default:
        return null;
    }
  };

  const submissionState: SubmissionChainState = (() => {
    const inner = fakeChainState(quietChain);
    const guard =
      <A extends unknown[], R>(run: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        const error = faultError();
        if (error) throw error;
        return run(...args);
      };
    return {
      config: guard(inner.config),
      isAllowed: guard(inner.isAllowed),
      finalityProvider: guard(inner.finalityProvider),
      lastCommit: guard(inner.lastCommit),
      commitForHeight: guard(inner.commitForHeight),
      lastFinalizedEpoch: guard(inner.lastFinalizedEpoch),
      checkBudget: guard(inner.checkBudget),
      // The votes the edge accepted are added by the accept path, from the chain's coordinator.
      recordedVotes: guard(inner.recordedVotes),
    };
  })();
  const submissions = (): SubmissionDeps => ({
    state: submissionState,
    babylonHeight: async () => {
      const error = faultError();
      if (error) throw error;
      return 250n;
    },
  });

  const readersFor = (chainId: string): ChainReaders => {
    const fake = chainId === CHAIN_IDS[1] ? readersB : readersA;
    fake.fail(fault === "none" || fault === "queue_down" ? null : faultError());
    return fake.readers;
  };

  const app = createApp({ deps: { readers: (chain) => readersFor(chain.id), submissions } });
  const chainsVar = JSON.stringify(
    CHAIN_IDS.map((id, i) => ({
      id,
      l2RpcUrl: `http://127.0.0.1:${8545 + i}`,
      babylonRpcUrl: "http://127.0.0.1:26657",
      babylonChainId: BABYLON_CHAIN_ID,
      contractAddress: CONTRACT_ADDRESS,
      ...(i === 0 ? { quorum: { numerator: 2, denominator: 3 } } : {}),
    })),
  );
  const queue = () => ({
    async send() {
      if (fault === "queue_down") throw new Error("queue down (fault injected)");
    },
    async sendBatch() {
      if (fault === "queue_down") throw new Error("queue down (fault injected)");
    },
  });
  const bindings: Record<string, unknown> = {
    FP_RATE_LIMITER: alwaysAllow,
    IP_RATE_LIMITER: alwaysAllow,
    CHAINS: chainsVar,
    MAX_BATCH: "25",
    RELAYER_GAS_PRICE: "0.002ubbn",
    RELAYER_GAS_ADJUSTMENT: "1.3",
    RELAYER_POLL_MS: "1000",
    REQUEUE_AFTER_SECONDS: "120",
    RELAYER_MNEMONIC: "",
  };
  // One set of coordinators for the whole run (the submission state accumulates, as on a live edge).
  const coordinators = coordinatorNamespace(() => env());
  const history = sqliteD1();
  // Any rate limiter the Worker gains later allows everything too, so limits never hide a bug.
  const env = (): Env =>
    new Proxy(
      {
        ...bindings,
        FINALITY_KV: kv,
        SUBMISSIONS: queue(),
        SUBMISSIONS_DLQ: queue(),
        CHAIN_COORDINATOR: coordinators.namespace,
        HISTORY_DB: history,
      },
      {
        get: (target, key) =>
          typeof key === "string" && !(key in target) && key.endsWith("_RATE_LIMITER")
            ? alwaysAllow
            : Reflect.get(target, key),
      },
    ) as unknown as Env;

  // Seeding: what a live edge would hold after some traffic, written by the app itself.
  const template = kv;
  const seed = async (path: string, init: RequestInit = {}) => {
    const res = await app.request(`http://edge.test${path}`, init, env());
    if (res.status >= 300)
      throw new Error(`fuzz seeding: ${path} answered ${res.status} ${await res.text()}`);
    return res;
  };
  const etags: string[] = [];
  for (const path of [
    "/v1/chains/op-devnet/blocks/20/finality",
    "/v1/chains/op-devnet/blocks/17/finality",
    "/v1/chains/op-devnet-b/blocks/20/finality",
    "/v1/chains",
  ]) {
    const etag = (await seed(path)).headers.get("etag");
    if (etag) etags.push(etag);
  }
  const post = async (route: string, body: unknown) =>
    (
      (await (
        await seed(`/v1/chains/op-devnet/${route}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        })
      ).json()) as { submissions: { id: string }[] }
    ).submissions.map((s) => s.id);
  const submissionIds = [
    ...(await post("public-randomness", later[0])),
    ...(await post("finality-signatures", seededVotes)),
  ];
  const evidence = await coordinatorStub(env(), "op-devnet").evidence("op-devnet", fpHex, 22);
  if (!evidence) {
    throw new Error("fuzz seeding: no equivocation evidence was recorded");
  }

  const pools: FuzzPools = {
    chains: CHAIN_IDS,
    blockHashes: readersA.chain.map((b) => b.hash),
    txHashes: [includedTx, pendingTx, forkedTx],
    submissionIds,
    fpKeys: [fpHex],
    evidenceHeights: ["22"],
    commits: [later[0], later[1], stored.msg.commit_public_randomness] as Record<string, unknown>[],
    votes: [...seededVotes, ...freshVotes] as Record<string, unknown>[],
    etags,
  };

  return {
    pools,
    async send(request, requestFault) {
      kv = memoryKv();
      for (const [key, value] of template.store) kv.store.set(key, value);
      // Newer memoryKv versions keep metadata beside the values: copy it too when both sides have it.
      const from = (template as { metadata?: Map<string, unknown> }).metadata;
      const to = (kv as { metadata?: Map<string, unknown> }).metadata;
      if (from && to) for (const [key, value] of from) to.set(key, value);
      fault = requestFault;
      try {
        return await app.request(request, undefined, env());
      } finally {
        fault = "none";
      }
    },
  };
}
