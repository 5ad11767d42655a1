/**
 * @module Loads the shared known-answer vectors from `../shared/vectors/` (never copied into the repo).
 * Returns `undefined` when that folder is absent so suites can skip with a message. Node only; the
 * parsing lives in `known-answers.ts`, which workerd tests use too.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type KnownAnswers, type RawSharedVectors, readKnownAnswers } from "./known-answers.ts";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const vectorsDir = process.env.FINALITY_EDGE_VECTORS ?? join(repoRoot, "..", "shared", "vectors");

/** The raw files, or `undefined` when the folder is absent. */
export function loadSharedVectors(): RawSharedVectors | undefined {
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

/**
 * The shared vectors, typed ({@link readKnownAnswers}), or `undefined` (after warning with
 * {@link VECTORS_MISSING_MESSAGE}) when they are absent, so a suite can `skipIf` on it.
 */
export function loadKnownAnswers(): KnownAnswers | undefined {
  const raw = loadSharedVectors();
  if (!raw) console.warn(VECTORS_MISSING_MESSAGE);
  return raw ? readKnownAnswers(raw) : undefined;
}
