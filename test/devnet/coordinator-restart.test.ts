// A restart of `wrangler dev` loses no accepted submission: commits are accepted (202, in the coordinator's
// outbox), Babylon is cut off before the queue consumer can relay them, `wrangler dev` stops (its local queue
// forgets the messages), Babylon comes back, `wrangler dev` starts again on the same state, and every accepted
// submission is relayed exactly once from the coordinator's outbox.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultGenesis } from "../../devnet/babylon/genesis-load.ts";
import { freePort, startBabylonEmulator } from "../../devnet/processes.ts";
import { startWranglerDev, type WranglerDev } from "../../devnet/wrangler-dev.ts";
import { createFinalityQueryClient, getLastPubRandCommit } from "../../src/babylon/index.ts";
import { hexToBytes } from "../../src/crypto/index.ts";
import { createFinalityProviderSigner } from "../../src/provider/index.ts";
import { type FaultProxy, startFaultProxy } from "../workers/support/fault-proxy.ts";
import { FAST_EMULATOR_ENV } from "../workers/support/voted-devnet.ts";

const genesis = defaultGenesis();
const consumer = genesis.consumers[0];
const relayer = genesis.accounts.find((a) => a.name === "relayer");
const CHAIN = "edge-restart";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let babylon: Awaited<ReturnType<typeof startBabylonEmulator>>;
let proxy: FaultProxy;
let persistTo: string;
let worker: WranglerDev | undefined;
let port: number;

async function startWorker(): Promise<WranglerDev> {
  const chains = JSON.stringify([
    {
      id: CHAIN,
      l2RpcUrl: "http://127.0.0.1:9",
      babylonRpcUrl: proxy.url,
      babylonChainId: babylon.chainId,
      contractAddress: babylon.contractAddress,
    },
  ]);
  return startWranglerDev({
    port,
    persistTo,
    vars: {
      CHAINS: chains,
      RELAYER_MNEMONIC: relayer?.mnemonic ?? "",
      REQUEUE_AFTER_SECONDS: "2",
      COORDINATOR_TICK_MS: "500",
      RELAYER_POLL_MS: "200",
    },
    testScheduled: true,
  });
}

beforeAll(async () => {
  if (!consumer || !relayer) throw new Error("default genesis lacks the consumer or the relayer");
  babylon = await startBabylonEmulator(FAST_EMULATOR_ENV);
  proxy = await startFaultProxy(babylon.url);
  persistTo = mkdtempSync(join(tmpdir(), "finality-edge-restart-"));
  port = await freePort();
  worker = await startWorker();
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await proxy?.close();
  await babylon?.stop();
  rmSync(persistTo, { recursive: true, force: true });
}, 60_000);

describe("ChainCoordinator across a restart of wrangler dev", () => {
  it("relays every submission accepted before the restart, exactly once", async () => {
    const signers = (consumer?.finalityProviders ?? []).map((fp) =>
      createFinalityProviderSigner({
        secretKey: hexToBytes(fp.btcSecretKeyHex),
        bsnId: consumer?.bsnId ?? "",
        babylonChainId: babylon.chainId,
        contractAddress: babylon.contractAddress,
        bsnActivationHeight: consumer?.contract.bsn_activation_height ?? 0,
        finalitySignatureInterval: consumer?.contract.finality_signature_interval ?? 1,
      }),
    );
    const commits = await Promise.all(
      signers.map(async (s) => (await s.commitPublicRandomness({ startHeight: 1, numPubRand: 300 })).msg),
    );
    const api = () => `${worker?.url}/v1/chains/${CHAIN}`;
    const res = await fetch(`${api()}/public-randomness`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(commits),
    });
    // Babylon goes away at once: the consumer (it delivers within about a second) cannot relay anything.
    await fetch(`${proxy.url}/__fault/down`, { method: "POST" });
    expect(res.status).toBe(202);
    const ids = ((await res.json()) as { submissions: { id: string }[] }).submissions.map((s) => s.id);
    expect(ids).toHaveLength(signers.length);
    await sleep(1_500);
    const status = async (id: string) =>
      ((await (await fetch(`${api()}/submissions/${id}`)).json()) as { status: string }).status;
    // Still accepted and unsettled when wrangler dev stops (else this test would prove nothing).
    expect(await Promise.all(ids.map(status))).toEqual(ids.map(() => "queued"));
    expect(
      (await fetch(`${proxy.url}/__fault`).then((r) => r.json())) as { broadcasts: number },
    ).toMatchObject({
      broadcasts: 0,
    });

    await worker?.stop();
    worker = undefined;
    await fetch(`${proxy.url}/__fault/up`, { method: "POST" });
    worker = await startWorker();

    // The coordinator's outbox sends them again (its alarm; the cron, fired here as production's would, only
    // wakes it); the consumer relays each once.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const states = await Promise.all(ids.map(status));
      if (states.every((s) => s === "submitted")) break;
      expect(
        states.every((s) => s === "queued" || s === "submitted"),
        JSON.stringify(states),
      ).toBe(true);
      if (Date.now() > deadline) throw new Error(`not relayed within 60 s: ${JSON.stringify(states)}`);
      await fetch(`${worker.url}/__scheduled?cron=*+*+*+*+*`).catch(() => undefined);
      await sleep(1_000);
    }
    const contract = createFinalityQueryClient(babylon.url, babylon.contractAddress);
    for (const signer of signers) {
      const last = await getLastPubRandCommit(contract, signer.publicKeyHex);
      expect(last?.startHeight).toBe(1n);
    }
    const metrics = (await (await fetch(`${api()}/submission-metrics`)).json()) as {
      accepted: { commit: number };
      submitted: number;
    };
    expect(metrics.accepted.commit).toBe(signers.length);
    expect(metrics.submitted).toBe(signers.length);
  }, 180_000);
});
