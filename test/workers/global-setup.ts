// Node side of the workerd test run: reads the shared vectors from disk (workerd has no file system)
// and provides them to the tests; starts the fake CometBFT node the contract-client tests talk to.
import type { TestProject } from "vitest/node";
import { CANNED_ANSWERS } from "../fixtures/finality-contract-answers.ts";
import { loadSharedVectors, VECTORS_MISSING_MESSAGE } from "../support/vectors.ts";
import { startAnvil, startBabylonEmulator } from "./support/devnet-processes.ts";
import { startFakeComet } from "./support/fake-comet.ts";

export default async function setup(project: TestProject) {
  const vectors = loadSharedVectors();
  if (!vectors) console.warn(VECTORS_MISSING_MESSAGE);
  project.provide("sharedVectors", vectors ? JSON.stringify(vectors) : "");

  const fakeComet = await startFakeComet(CANNED_ANSWERS);
  project.provide("fakeCometUrl", fakeComet.url);

  // The read API end to end: the real Babylon emulator and anvil, as a CHAINS registry for the worker.
  const [babylon, anvil] = await Promise.all([startBabylonEmulator(), startAnvil()]);
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
  project.provide("e2eBsnId", babylon.bsnId);
  return async () => {
    await Promise.all([fakeComet.close(), babylon.stop(), anvil.stop()]);
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    sharedVectors: string;
    /** Base URL of the fake CometBFT JSON-RPC node (test/workers/support/fake-comet.ts). */
    fakeCometUrl: string;
    /** CHAINS JSON naming the real Babylon emulator and anvil started for the read-API e2e. */
    e2eChains: string;
    /** The emulator's BSN id. */
    e2eBsnId: string;
  }
}
