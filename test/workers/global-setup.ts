// Node side of the workerd test run: reads the shared vectors from disk (workerd has no file system)
// and provides them to the tests; starts the fake CometBFT node the contract-client tests talk to.
import type { TestProject } from "vitest/node";
import { mineBlocks, startAnvil, startBabylonEmulator } from "../../devnet/processes.ts";
import { CANNED_ANSWERS } from "../fixtures/finality-contract-answers.ts";
import { startDelayProxy } from "../support/delay-proxy.ts";
import { loadSharedVectors, VECTORS_MISSING_MESSAGE } from "../support/vectors.ts";
import { startFakeComet } from "./support/fake-comet.ts";
import { startFaultProxy } from "./support/fault-proxy.ts";
import { startPowersDevnet } from "./support/powers-devnet.ts";
import { BELOW_QUORUM_FPS, FAST_EMULATOR_ENV, QUORUM_FPS, voteOnDevnet } from "./support/voted-devnet.ts";
import { startWebhookReceiver } from "./support/webhook-receiver.ts";

/** The e2e's L2: blocks 1–8; votes by block (none: no votes). */
const E2E_HEAD = 8;
const E2E_PLAN = new Map<number, string[]>([
  [1, QUORUM_FPS],
  [2, QUORUM_FPS],
  [3, QUORUM_FPS],
  [4, QUORUM_FPS],
  // 6.0M of 10.0M: just below 2/3.
  [5, BELOW_QUORUM_FPS],
  // Quorum, but its predecessor (5) is not finalized.
  [6, QUORUM_FPS],
  [7, []],
]);

export default async function setup(project: TestProject) {
  const vectors = loadSharedVectors();
  if (!vectors) console.warn(VECTORS_MISSING_MESSAGE);
  project.provide("sharedVectors", vectors ? JSON.stringify(vectors) : "");

  const fakeComet = await startFakeComet(CANNED_ANSWERS);
  project.provide("fakeCometUrl", fakeComet.url);

  // The read API end to end: the real Babylon emulator and anvil, as a CHAINS registry for the worker.
  const started = await Promise.allSettled([
    startBabylonEmulator(FAST_EMULATOR_ENV),
    startAnvil(),
    startPowersDevnet(),
    // The submission API's own chain: its tests slash an FP, which must not change the read-API answers.
    startBabylonEmulator(FAST_EMULATOR_ENV),
  ] as const);
  const failed = started.find((r) => r.status === "rejected");
  if (failed) {
    // Whatever did start is stopped again before the run fails.
    await Promise.all(started.map((r) => (r.status === "fulfilled" ? r.value.stop() : undefined)));
    await fakeComet.close();
    throw failed.reason;
  }
  const [babylon, anvil, powers, submitBabylon] = started.map(
    (r) => (r as PromiseFulfilledResult<unknown>).value,
  ) as [
    Awaited<ReturnType<typeof startBabylonEmulator>>,
    Awaited<ReturnType<typeof startAnvil>>,
    Awaited<ReturnType<typeof startPowersDevnet>>,
    Awaited<ReturnType<typeof startBabylonEmulator>>,
  ];
  const submitProxy = await startFaultProxy(submitBabylon.url);
  // Every Babylon answer 300 ms late: long enough for a request to end while its subrequest is in flight.
  const slowProxy = await startDelayProxy(babylon.url, 300);
  const receiver = await startWebhookReceiver();
  project.provide("webhookReceiver", JSON.stringify({ url: receiver.url, deadUrl: receiver.deadUrl }));
  const stopAll = () =>
    Promise.all([
      receiver.close(),
      slowProxy.close(),
      fakeComet.close(),
      babylon.stop(),
      anvil.stop(),
      powers.stop(),
      submitProxy.close(),
      submitBabylon.stop(),
    ]);
  try {
    await mineBlocks(anvil.url, E2E_HEAD - 5);
    const voted = await voteOnDevnet({
      babylonRpcUrl: babylon.url,
      contractAddress: babylon.contractAddress,
      chainId: babylon.chainId,
      l2RpcUrl: anvil.url,
      plan: E2E_PLAN,
      commitCount: 20,
    });
    project.provide("e2eVotes", JSON.stringify({ head: E2E_HEAD, ...voted }));
  } catch (error) {
    await stopAll();
    throw error;
  }
  project.provide(
    "e2eChains",
    JSON.stringify([
      {
        id: "edge-devnet",
        l2RpcUrl: anvil.url,
        babylonRpcUrl: babylon.url,
        babylonChainId: "bbn-devnet-1",
        contractAddress: babylon.contractAddress,
      },
    ]),
  );
  project.provide(
    "submitChains",
    JSON.stringify([
      {
        id: "edge-submit",
        l2RpcUrl: anvil.url,
        babylonRpcUrl: submitProxy.url,
        babylonChainId: submitBabylon.chainId,
        contractAddress: submitBabylon.contractAddress,
      },
    ]),
  );
  project.provide("submitProxyUrl", submitProxy.url);
  project.provide(
    "slowChains",
    JSON.stringify([
      {
        id: "edge-slow",
        l2RpcUrl: anvil.url,
        babylonRpcUrl: slowProxy.url,
        babylonChainId: "bbn-devnet-1",
        contractAddress: babylon.contractAddress,
      },
    ]),
  );
  project.provide("powersChains", JSON.stringify([{ id: "edge-powers", ...powers.chain }]));
  project.provide("powersVotes", JSON.stringify({ blocks: powers.blocks, publicKeys: powers.publicKeys }));
  project.provide("e2eBsnId", babylon.bsnId);
  return async () => {
    await stopAll();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    sharedVectors: string;
    /** JSON `{ url, deadUrl }` of the loopback webhook receiver (support/webhook-receiver.ts). */
    webhookReceiver: string;
    /** Base URL of the fake CometBFT JSON-RPC node (test/workers/support/fake-comet.ts). */
    fakeCometUrl: string;
    /** CHAINS JSON naming the real Babylon emulator and anvil started for the read-API e2e. */
    e2eChains: string;
    /**
     * JSON `{ head, blocks: [{ number, hash, voters }], publicKeys: { fp-1: hex, … } }`: the e2e L2 head and the
     * blocks the devnet FPs voted on (global-setup.ts).
     */
    e2eVotes: string;
    /** CHAINS JSON with the one `edge-submit` chain: its Babylon RPC URL is the fault proxy's. */
    submitChains: string;
    /** CHAINS JSON with the one `edge-slow` chain: the read-API emulator behind a 300 ms delay proxy. */
    slowChains: string;
    /** The fault proxy in front of the `edge-submit` emulator (support/fault-proxy.ts). */
    submitProxyUrl: string;
    /** CHAINS JSON with the one `edge-powers` chain (support/powers-devnet.ts). */
    powersChains: string;
    /** JSON `{ blocks, publicKeys }` of the `edge-powers` chain (support/powers-devnet.ts). */
    powersVotes: string;
    /** The emulator's BSN id. */
    e2eBsnId: string;
  }
}
