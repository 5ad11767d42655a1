/** @module `checkExpectedBlock`: is the answer about the block the caller asked about? */
import type { ParsedDecision } from "./parse-decision.ts";
import type { VerificationCheck } from "./types.ts";

/**
 * A true answer about another block proves nothing about this one: the answer's block must have the expected
 * number and hash (whichever are given).
 */
export function checkExpectedBlock(
  decision: ParsedDecision,
  expected: { readonly number?: number; readonly hash?: string },
): VerificationCheck {
  const name = "block";
  const block = decision.block;
  if (block === null) return { name, ok: false, detail: "the answer names no block" };
  const wrong: string[] = [];
  if (expected.number !== undefined && BigInt(expected.number) !== block.number)
    wrong.push(`number ${block.number}, expected ${expected.number}`);
  if (expected.hash !== undefined && expected.hash.toLowerCase() !== block.hash)
    wrong.push(`hash ${block.hash}, expected ${expected.hash.toLowerCase()}`);
  if (wrong.length > 0)
    return { name, ok: false, detail: `the answer is about another block: ${wrong.join("; ")}` };
  return { name, ok: true, detail: `block ${block.number} ${block.hash}` };
}
