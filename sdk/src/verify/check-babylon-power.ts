/** @module `checkBabylonPower`: the answer's stated powers and total against Babylon's power table. */
import type { PowerTable } from "../../../src/babylon/index.ts";
import type { CountedVoter, Quorum } from "../../../src/finality/index.ts";
import type { VerificationCheck } from "./types.ts";

/**
 * Every voter's stated power must be its power in Babylon's table at the BTC height (0 for an FP the table does
 * not list or lists as slashed), and the stated total the table's total. This is what catches an edge that lies
 * about power consistently (every power and the total scaled alike pass the answer's own arithmetic).
 */
export function checkBabylonPower(
  table: PowerTable,
  answer: { readonly voters: readonly CountedVoter[]; readonly quorum: Quorum | null },
): VerificationCheck {
  const name = "babylon-power";
  const power = new Map(table.providers.map((p) => [p.btcPk.toLowerCase(), p.power]));
  const where = `Babylon's table at BTC height ${table.btcHeight}`;
  if (answer.quorum === null && answer.voters.length === 0)
    return {
      name,
      ok: true,
      detail: `the answer states no powers; ${where}: total ${table.totalPower} over ${table.providers.length} FPs`,
    };
  const wrong: string[] = [];
  for (const voter of answer.voters) {
    const actual = power.get(voter.fpBtcPk.toLowerCase()) ?? 0n;
    if (actual !== voter.power) wrong.push(`${voter.fpBtcPk} stated ${voter.power}, Babylon ${actual}`);
  }
  if (answer.quorum !== null && answer.quorum.totalPower !== table.totalPower)
    wrong.push(`total stated ${answer.quorum.totalPower}, Babylon ${table.totalPower}`);
  if (wrong.length > 0) return { name, ok: false, detail: `${where}: ${wrong.join("; ")}` };
  return { name, ok: true, detail: `the stated powers and total ${table.totalPower} are ${where}` };
}
