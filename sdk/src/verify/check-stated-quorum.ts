/** @module `checkStatedQuorum`: the answer's quorum recomputed from its own stated powers, by the rule's code. */
import {
  type CountedVoter,
  countQuorum,
  type Quorum,
  type QuorumRatio,
} from "../../../src/finality/index.ts";
import type { VerificationCheck } from "./types.ts";

/** Not a 64-hex key, so it can never collide with a voter: the stated power of everyone who did not vote. */
const NON_VOTERS = "";

/**
 * Two checks over the answer's own numbers (whether they are Babylon's is the Babylon level's question):
 * - `voted-power`: the voted power equals the sum of the stated powers, each FP counted once (as the rule
 *   counts), and does not exceed the total;
 * - `quorum`: threshold and `reached` equal what the rule computes from the voters' stated powers and the
 *   stated total with `ratio` (`voted · den ≥ total · num`, `threshold = ⌈total · num / den⌉`, total 0 never reaches).
 * Both come from the rule's `countQuorum`, over a table holding each voter's stated power and the rest of the
 * stated total as one entry, so the verifier and the edge share one definition of quorum.
 */
export function checkStatedQuorum(
  voters: readonly CountedVoter[],
  stated: Quorum,
  ratio: QuorumRatio,
): [votedPower: VerificationCheck, quorum: VerificationCheck] {
  const power = new Map<string, bigint>();
  for (const v of voters) if (!power.has(v.fpBtcPk)) power.set(v.fpBtcPk, v.power);
  const sum = [...power.values()].reduce((a, b) => a + b, 0n);
  const rest = stated.totalPower - sum;
  if (rest > 0n) power.set(NON_VOTERS, rest);
  const { quorum } = countQuorum(voters, { btcHeight: 0n, power }, ratio);

  const votedPower: VerificationCheck =
    quorum.votedPower !== stated.votedPower
      ? {
          name: "voted-power",
          ok: false,
          detail: `voted power ${stated.votedPower}, but the voters' stated powers sum to ${quorum.votedPower}`,
        }
      : rest < 0n
        ? {
            name: "voted-power",
            ok: false,
            detail: `the voters' stated powers (${sum}) exceed the total power ${stated.totalPower}`,
          }
        : { name: "voted-power", ok: true, detail: `${sum} of ${stated.totalPower} voted (the voters' sum)` };

  if (rest < 0n)
    return [
      votedPower,
      { name: "quorum", ok: false, detail: "cannot be recomputed: voted power exceeds total" },
    ];
  const ratioText = `${ratio.numerator}/${ratio.denominator}`;
  const wrong: string[] = [];
  if (quorum.threshold !== stated.threshold)
    wrong.push(`threshold ${stated.threshold}, recomputed ${quorum.threshold}`);
  // From the voters' sum: when it differs from the stated voted power, voted-power has said so already.
  if (stated.reached !== quorum.reached)
    wrong.push(`reached ${stated.reached}, recomputed ${quorum.reached}`);
  if (wrong.length > 0)
    return [votedPower, { name: "quorum", ok: false, detail: `at ${ratioText}: ${wrong.join("; ")}` }];
  return [
    votedPower,
    {
      name: "quorum",
      ok: true,
      detail: `${quorum.votedPower} of ${quorum.totalPower} at ${ratioText}: threshold ${quorum.threshold}, ${quorum.reached ? "reached" : "not reached"}`,
    },
  ];
}
