// Node side of the workerd test run: reads the shared vectors from disk (workerd has no file system)
// and provides them to the tests.
import type { TestProject } from "vitest/node";
import { loadSharedVectors, VECTORS_MISSING_MESSAGE } from "../support/vectors.ts";

export default function setup(project: TestProject) {
  const vectors = loadSharedVectors();
  if (!vectors) console.warn(VECTORS_MISSING_MESSAGE);
  project.provide("sharedVectors", vectors ? JSON.stringify(vectors) : "");
}

declare module "vitest" {
  export interface ProvidedContext {
    sharedVectors: string;
  }
}
