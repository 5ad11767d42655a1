/** @module `checkBabylonVoters`: the answer's voters against the contract's `block_voters`, read from Babylon. */
import type { BlockVoter } from "../../../src/babylon/index.ts";
import type { Voter } from "../../../src/finality/index.ts";
import { checkSignatures } from "./check-signatures.ts";
import type { VerificationCheck } from "./types.ts";

/**
 * Babylon's voters for the grid block must exist, be for its hash, verify (the same EOTS check as the answer's),
 * and match the answer's voters one for one: a voter Babylon does not list was made up (its signature may still
 * verify: anyone can sign with a key they hold and a nonce they never committed); one the answer leaves out was
 * hidden; a different pubRand or signature is not the vote the contract accepted. An answer without voters (an older
 * tip answer, stored before those carried evidence) is judged by Babylon's alone.
 */
export function checkBabylonVoters(
  babylonVoters: readonly BlockVoter[],
  answerVoters: readonly Voter[],
  grid: { readonly height: bigint; readonly hash: string },
  options: { babylonChainId: string; contractAddress: string; emptySigningContext?: boolean | undefined },
): VerificationCheck {
  const name = "babylon-voters";
  const hash = grid.hash.toLowerCase().replace(/^0x/, "");
  const what = `grid block ${grid.height} 0x${hash}`;
  if (babylonVoters.length === 0) return { name, ok: false, detail: `Babylon lists no votes for ${what}` };
  const otherHash = babylonVoters.filter((v) => v.blockHash.toLowerCase() !== hash);
  if (otherHash.length > 0)
    return {
      name,
      ok: false,
      detail: `Babylon's answer lists votes for another hash: ${otherHash.map((v) => v.fpBtcPk).join(", ")}`,
    };
  const signatures = checkSignatures(babylonVoters, grid, options, name);
  if (!signatures.ok) return { ...signatures, detail: `Babylon's voters: ${signatures.detail}` };
  if (answerVoters.length === 0)
    return {
      name,
      ok: true,
      detail: `Babylon lists ${babylonVoters.length} voters for ${what} (the answer listed none); their signatures verify`,
    };

  const onChain = new Map(babylonVoters.map((v) => [v.fpBtcPk.toLowerCase(), v]));
  const listed = new Set(answerVoters.map((v) => v.fpBtcPk.toLowerCase()));
  const problems: string[] = [];
  for (const voter of answerVoters) {
    const key = voter.fpBtcPk.toLowerCase();
    const found = onChain.get(key);
    if (!found) problems.push(`${key} is not among Babylon's voters`);
    else if (
      found.pubRand.toLowerCase() !== voter.pubRand.toLowerCase() ||
      found.signature.toLowerCase() !== voter.signature.toLowerCase()
    )
      problems.push(`${key}'s pubRand or signature differs from Babylon's`);
  }
  for (const key of onChain.keys())
    if (!listed.has(key)) problems.push(`Babylon's voter ${key} is missing from the answer`);
  if (problems.length > 0) return { name, ok: false, detail: problems.join("; ") };
  return { name, ok: true, detail: `the answer's ${answerVoters.length} voters are Babylon's for ${what}` };
}
