// Node side of the workerd test run: reads the shared vectors from disk (workerd has no file system)
// and provides them to the tests; starts the fake CometBFT node the contract-client tests talk to.
import type { TestProject } from "vitest/node";
import { CANNED_ANSWERS } from "../fixtures/finality-contract-answers.ts";
import { loadSharedVectors, VECTORS_MISSING_MESSAGE } from "../support/vectors.ts";
import { startFakeComet } from "./support/fake-comet.ts";

export default async function setup(project: TestProject) {
  const vectors = loadSharedVectors();
  if (!vectors) console.warn(VECTORS_MISSING_MESSAGE);
  project.provide("sharedVectors", vectors ? JSON.stringify(vectors) : "");

  const fakeComet = await startFakeComet(CANNED_ANSWERS);
  project.provide("fakeCometUrl", fakeComet.url);
  return () => fakeComet.close();
}

declare module "vitest" {
  export interface ProvidedContext {
    sharedVectors: string;
    /** Base URL of the fake CometBFT JSON-RPC node (test/workers/support/fake-comet.ts). */
    fakeCometUrl: string;
  }
}
