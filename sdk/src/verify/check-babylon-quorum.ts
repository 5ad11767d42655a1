/** @module `checkBabylonQuorum`: the quorum from Babylon's own voters and power table, by the rule's code. */
import type { BlockVoter, PowerTable } from "../../../src/babylon/index.ts";
import { countQuorum, type Quorum, type QuorumRatio } from "../../../src/finality/index.ts";
import type { VerificationCheck } from "./types.ts";

/**
 * The rule's `countQuorum` over Babylon's voters and Babylon's table: what the edge should have computed. Fails
 * unless it is reached; this alone decides the grid block's quorum, whatever the answer stated.
 */
export function checkBabylonQuorum(
  voters: readonly BlockVoter[],
  table: PowerTable,
  ratio: QuorumRatio,
): { check: VerificationCheck; quorum: Quorum } {
  const { quorum } = countQuorum(
    voters,
    { btcHeight: BigInt(table.btcHeight), power: new Map(table.providers.map((p) => [p.btcPk, p.power])) },
    ratio,
  );
  const detail =
    `Babylon: ${quorum.votedPower} of ${quorum.totalPower} voted at BTC height ${table.btcHeight} ` +
    `(threshold ${quorum.threshold} at ${ratio.numerator}/${ratio.denominator}): ${quorum.reached ? "reached" : "not reached"}`;
  return { check: { name: "babylon-quorum", ok: quorum.reached, detail }, quorum };
}
