/** @module `getBlockVoters`: the finality providers that voted for one L2 block (height and hash). */
import type { FinalityReadOnlyInterface } from "../../generated/Finality.client.ts";
import { BabylonInvalidResponseError } from "./errors.ts";
import { normalizeHex, numbersToHex } from "./internal.ts";
import { callUpstream } from "./upstream.ts";

export type BlockVoter = {
  /** The FP's BIP-340 x-only key, lowercase hex. */
  fpBtcPk: string;
  pubRand: string;
  signature: string;
  /** The block hash the signature is for, lowercase hex. */
  blockHash: string;
};

const PATH = "/cosmwasm.wasm.v1.Query/SmartContractState {block_voters}";

/**
 * The voters of block `(height, hash)`: `hash` as `0x`-hex or raw hex (sent lowercase without `0x`,
 * as the contract keys votes by the exact bytes). No votes (`null`) → `[]`.
 *
 * Causes one `abci_query` at `/cosmwasm.wasm.v1.Query/SmartContractState`.
 * @throws TypeError for a non-hex `hash`; BabylonUnavailableError / BabylonQueryError / BabylonInvalidResponseError.
 */
export async function getBlockVoters(
  contractClient: Pick<FinalityReadOnlyInterface, "blockVoters">,
  { height, hash }: { height: number; hash: string },
): Promise<BlockVoter[]> {
  const hashHex = normalizeHex(hash, "hash");
  const voters = await callUpstream(PATH, () => contractClient.blockVoters({ height, hashHex }));
  if (voters === null) return [];
  if (!Array.isArray(voters)) throw new BabylonInvalidResponseError(PATH, "block_voters is not an array");
  return voters.map((voter) => {
    if (
      typeof voter?.fp_btc_pk_hex !== "string" ||
      !Array.isArray(voter.pub_rand) ||
      !Array.isArray(voter.finality_signature?.finality_sig) ||
      !Array.isArray(voter.finality_signature?.block_hash)
    ) {
      throw new BabylonInvalidResponseError(PATH, `unexpected voter: ${JSON.stringify(voter)}`);
    }
    return {
      fpBtcPk: voter.fp_btc_pk_hex.toLowerCase(),
      pubRand: numbersToHex(voter.pub_rand),
      signature: numbersToHex(voter.finality_signature.finality_sig),
      blockHash: numbersToHex(voter.finality_signature.block_hash),
    };
  });
}
