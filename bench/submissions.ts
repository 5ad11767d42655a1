/**
 * `npx node scripts/run-ts.mjs bench/submissions.ts`: the submission path end to end on loopback — the Babylon
 * emulator, the Worker under `wrangler dev` (local KV and Queues, its own queue consumer and relayer), and four
 * FPs posting randomness commitments and then 4 × 50 votes through the REST API. Reports messages per Babylon
 * transaction (from the Worker's submission metrics) and the time until every vote was on chain.
 * Bounded: fixed message counts, a 120 s deadline; everything started is stopped by pid / process group.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultGenesis } from "../devnet/babylon/genesis-load.ts";
import { freePort, startBabylonEmulator } from "../devnet/processes.ts";
import { startWranglerDev } from "../devnet/wrangler-dev.ts";
import { hexToBytes } from "../src/crypto/index.ts";
import { createFinalityProviderSigner, type FinalityProviderSigner } from "../src/provider/index.ts";
import { FAST_EMULATOR_ENV } from "../test/workers/support/voted-devnet.ts";

const HEIGHTS = 50;
const PER_REQUEST = 25;
const DEADLINE_MS = 120_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const genesis = defaultGenesis();
const consumer = genesis.consumers[0];
const relayer = genesis.accounts.find((a) => a.name === "relayer");
if (!consumer || !relayer) throw new Error("default genesis lacks the consumer or the relayer account");

const cleanups: Array<() => Promise<void> | void> = [];
const started = Date.now();
try {
  const babylon = await startBabylonEmulator(FAST_EMULATOR_ENV);
  cleanups.push(() => babylon.stop());
  const chainId = "bench-submit";
  const chains = JSON.stringify([
    {
      id: chainId,
      // Verification and submission never read the L2; the read API is not exercised here.
      l2RpcUrl: "http://127.0.0.1:9",
      babylonRpcUrl: babylon.url,
      babylonChainId: babylon.chainId,
      contractAddress: babylon.contractAddress,
    },
  ]);
  const persistTo = mkdtempSync(join(tmpdir(), "finality-edge-submit-bench-"));
  cleanups.push(() => rmSync(persistTo, { recursive: true, force: true }));
  const worker = await startWranglerDev({
    port: await freePort(),
    persistTo,
    vars: { CHAINS: chains, RELAYER_MNEMONIC: relayer.mnemonic },
  });
  cleanups.unshift(() => worker.stop());
  const api = `${worker.url}/v1/chains/${chainId}`;
  const post = async (path: string, body: unknown) =>
    fetch(`${api}/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  const signers: FinalityProviderSigner[] = consumer.finalityProviders.map((fp) =>
    createFinalityProviderSigner({
      secretKey: hexToBytes(fp.btcSecretKeyHex),
      bsnId: consumer.bsnId,
      babylonChainId: babylon.chainId,
      contractAddress: babylon.contractAddress,
      bsnActivationHeight: consumer.contract.bsn_activation_height,
      finalitySignatureInterval: consumer.contract.finality_signature_interval,
    }),
  );
  const commits = await Promise.all(
    signers.map(async (s) => (await s.commitPublicRandomness({ startHeight: 1, numPubRand: 500 })).msg),
  );
  const commitRes = await post("public-randomness", commits);
  if (commitRes.status !== 202) throw new Error(`commit: HTTP ${commitRes.status} ${await commitRes.text()}`);
  const ids: string[] = [];
  const waitAll = async (list: string[]) => {
    for (const id of list) {
      for (;;) {
        const record = (await (await fetch(`${api}/submissions/${id}`)).json()) as { status: string };
        if (record.status === "submitted") break;
        if (record.status !== "queued") throw new Error(`submission ${id}: ${JSON.stringify(record)}`);
        if (Date.now() - started > DEADLINE_MS) throw new Error("deadline passed");
        await sleep(100);
      }
    }
  };
  await waitAll(((await commitRes.json()) as { submissions: { id: string }[] }).submissions.map((s) => s.id));

  // Votes: per FP, requests of PER_REQUEST heights, all FPs at once; retried while the commit's epoch is young.
  const votesStarted = Date.now();
  await Promise.all(
    signers.map(async (s) => {
      for (let from = 1; from <= HEIGHTS; from += PER_REQUEST) {
        const batch = [];
        for (let h = from; h < from + PER_REQUEST && h <= HEIGHTS; h++) {
          const hash = `0x${h.toString(16).padStart(64, "0")}` as const;
          batch.push(
            (await s.submitFinalitySignature({ height: h, blockHash: hash })).submit_finality_signature,
          );
        }
        for (;;) {
          const res = await post("finality-signatures", batch);
          if (res.status === 202) {
            ids.push(
              ...((await res.json()) as { submissions: { id: string }[] }).submissions.map((x) => x.id),
            );
            break;
          }
          const problem = (await res.json()) as { code?: string };
          if (problem.code !== "pub_rand_commit_not_btc_timestamped" || Date.now() - started > DEADLINE_MS) {
            throw new Error(`votes: HTTP ${res.status} ${JSON.stringify(problem)}`);
          }
          await sleep(200);
        }
      }
    }),
  );
  const accepted = Date.now();
  await waitAll(ids);
  const onChain = Date.now();
  const metrics = (await (await fetch(`${api}/submission-metrics`)).json()) as {
    transactions: number;
    submitted: number;
    batchSizes: Record<string, number>;
    txFailures: number;
  };
  const sizes = Object.entries(metrics.batchSizes).flatMap(([size, n]) =>
    Array<number>(n).fill(Number(size)),
  );
  sizes.sort((a, b) => a - b);
  console.log(`submissions through wrangler dev (local KV + Queues) to the Babylon emulator, MAX_BATCH 25`);
  console.log(
    `messages: ${metrics.submitted} (4 commits + ${ids.length} votes) in ${metrics.transactions} transactions`,
  );
  console.log(
    `messages per transaction: mean ${(metrics.submitted / metrics.transactions).toFixed(1)}, median ${sizes[Math.floor(sizes.length / 2)]}, max ${sizes.at(-1)}; sizes ${JSON.stringify(metrics.batchSizes)}`,
  );
  console.log(`tx failures: ${metrics.txFailures}`);
  console.log(
    `${ids.length} votes: accepted in ${((accepted - votesStarted) / 1000).toFixed(1)} s, all on chain ${((onChain - votesStarted) / 1000).toFixed(1)} s after the first POST`,
  );
} finally {
  for (const cleanup of cleanups) await cleanup();
}
