/**
 * @module Loads the shared known-answer vectors from `../shared/vectors/` (never copied into the repo).
 * Returns `undefined` when that folder is absent so suites can skip with a message.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const vectorsDir = process.env.FINALITY_EDGE_VECTORS ?? join(repoRoot, "..", "shared", "vectors");

export type SharedVectors = {
  bip340Csv: string;
  eots: unknown;
  merkle: unknown;
  randomness: unknown;
  rollupFlowEmptyContext: unknown;
  rollupFlowWithContext: unknown;
};

export function loadSharedVectors(): SharedVectors | undefined {
  if (!existsSync(vectorsDir)) return undefined;
  const json = (name: string) => JSON.parse(readFileSync(join(vectorsDir, name), "utf8")) as unknown;
  return {
    bip340Csv: readFileSync(join(vectorsDir, "bip340.csv"), "utf8"),
    eots: json("eots.json"),
    merkle: json("merkle.json"),
    randomness: json("randomness.json"),
    rollupFlowEmptyContext: json("rollup-flow-empty-context.json"),
    rollupFlowWithContext: json("rollup-flow-with-context.json"),
  };
}

export const VECTORS_MISSING_MESSAGE = `known-answer vectors not found at ${vectorsDir}: skipping known-answer tests`;
