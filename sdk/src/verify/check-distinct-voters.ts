/** @module `checkDistinctVoters`: each finality provider votes once. */
import type { Voter } from "../../../src/finality/index.ts";
import type { VerificationCheck } from "./types.ts";

/**
 * Fails when a key is listed twice: the rule counts every FP once, so a repeated voter could only inflate the
 * voted power (an FP signing the same block twice gives the same signature, which would verify both times).
 */
export function checkDistinctVoters(voters: readonly Voter[]): VerificationCheck {
  const name = "distinct-voters";
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const { fpBtcPk } of voters) {
    const key = fpBtcPk.toLowerCase();
    if (seen.has(key)) repeated.add(key);
    seen.add(key);
  }
  if (repeated.size > 0)
    return { name, ok: false, detail: `listed more than once: ${[...repeated].join(", ")}` };
  return { name, ok: true, detail: `${voters.length} distinct voters` };
}
