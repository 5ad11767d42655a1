/** @module `getHighestVotedHeight`: the highest L2 height one finality provider voted for. */
import type { FinalityReadOnlyInterface } from "../../generated/Finality.client.ts";
import { BabylonInvalidResponseError } from "./errors.ts";
import { normalizeHex } from "./internal.ts";
import { callUpstream } from "./upstream.ts";

const PATH = "/cosmwasm.wasm.v1.Query/SmartContractState {highest_voted_height}";

/**
 * The contract's `highest_voted_height{btc_pk_hex}`; `null` when the FP never voted.
 *
 * Causes one `abci_query` at `/cosmwasm.wasm.v1.Query/SmartContractState`.
 * @throws TypeError for a non-hex key; BabylonUnavailableError / BabylonQueryError / BabylonInvalidResponseError.
 */
export async function getHighestVotedHeight(
  contractClient: Pick<FinalityReadOnlyInterface, "highestVotedHeight">,
  fpBtcPk: string,
): Promise<number | null> {
  const btcPkHex = normalizeHex(fpBtcPk, "fpBtcPk");
  const height = await callUpstream(PATH, () => contractClient.highestVotedHeight({ btcPkHex }));
  if (height === null || height === undefined) return null;
  if (!Number.isSafeInteger(height) || height < 0) {
    throw new BabylonInvalidResponseError(
      PATH,
      `highest_voted_height is not a height: ${JSON.stringify(height)}`,
    );
  }
  return height;
}
