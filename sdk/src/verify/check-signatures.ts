/** @module `checkSignatures`: every voter's EOTS signature over the vote message, verified as the contract does. */
import { verifyVoteEots } from "../../../src/contract-rules/index.ts";
import { hexToBytes } from "../../../src/crypto/index.ts";
import type { Voter } from "../../../src/finality/index.ts";
import { describeError } from "./describe-error.ts";
import type { CheckName, VerificationCheck } from "./types.ts";

/**
 * Verifies each voter's signature over `context_vote ‖ BE64(height) ‖ blockHash` (hashed once) with its own
 * `pubRand`, through the contract rules' `verifyVoteEots`: the same context, message and EOTS code the edge and
 * the emulated contract run, so a failure reads as the contract's text. A valid signature proves the FP signed
 * this exact block for this contract on this Babylon chain; it does not prove the `pubRand` was committed.
 */
export function checkSignatures(
  voters: readonly Voter[],
  signed: { readonly height: bigint; readonly hash: string },
  options: { babylonChainId: string; contractAddress: string; emptySigningContext?: boolean | undefined },
  name: CheckName = "signatures",
): VerificationCheck {
  const blockHash = hexToBytes(signed.hash.replace(/^0x/i, ""), "blockHash");
  const bad: string[] = [];
  for (const voter of voters) {
    try {
      const vote = {
        fpPubkey: hexToBytes(voter.fpBtcPk, "fpBtcPk"),
        height: signed.height,
        pubRand: hexToBytes(voter.pubRand, "pubRand"),
        blockHash,
        signature: hexToBytes(voter.signature, "signature"),
      };
      verifyVoteEots(vote, options);
    } catch (error) {
      bad.push(`${voter.fpBtcPk}: ${describeError(error)}`);
    }
  }
  const what = `block ${signed.height} ${signed.hash.toLowerCase()}`;
  if (bad.length > 0)
    return {
      name,
      ok: false,
      detail: `${bad.length} of ${voters.length} signatures fail for ${what}: ${bad.join("; ")}`,
    };
  return { name, ok: true, detail: `${voters.length} EOTS signatures verify for ${what}` };
}
