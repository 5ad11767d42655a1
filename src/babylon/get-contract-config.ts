/** @module `getContractConfig`: the finality contract's configuration, camelCased. */
import type { FinalityReadOnlyInterface } from "../../generated/Finality.client.ts";
import { BabylonInvalidResponseError } from "./errors.ts";
import { callUpstream } from "./upstream.ts";

export type ContractConfig = {
  bsnId: string;
  /** First L2 height the BSN's finality applies to (`bsn_activation_height`). */
  activationHeight: number;
  /** Signature interval I: grid heights are `activationHeight + k·interval`. */
  interval: number;
  minPubRand: number;
  rateLimiting: { blockInterval: number; maxMsgsPerInterval: number };
};

const PATH = "/cosmwasm.wasm.v1.Query/SmartContractState {config}";

/**
 * Reads the contract's `{"config":{}}`.
 *
 * Causes one `abci_query` at `/cosmwasm.wasm.v1.Query/SmartContractState`.
 * @throws BabylonUnavailableError (`upstream_unavailable`), BabylonQueryError (`upstream_query_failed`),
 *   BabylonInvalidResponseError (`upstream_invalid`).
 */
export async function getContractConfig(
  contractClient: Pick<FinalityReadOnlyInterface, "config">,
): Promise<ContractConfig> {
  const config = await callUpstream(PATH, () => contractClient.config());
  const ok =
    typeof config === "object" &&
    config !== null &&
    typeof config.bsn_id === "string" &&
    Number.isSafeInteger(config.bsn_activation_height) &&
    Number.isSafeInteger(config.finality_signature_interval) &&
    config.finality_signature_interval > 0 &&
    Number.isSafeInteger(config.min_pub_rand) &&
    typeof config.rate_limiting === "object" &&
    config.rate_limiting !== null;
  if (!ok) throw new BabylonInvalidResponseError(PATH, `unexpected config: ${JSON.stringify(config)}`);
  return {
    bsnId: config.bsn_id,
    activationHeight: config.bsn_activation_height,
    interval: config.finality_signature_interval,
    minPubRand: config.min_pub_rand,
    rateLimiting: {
      blockInterval: config.rate_limiting.block_interval,
      maxMsgsPerInterval: config.rate_limiting.max_msgs_per_interval,
    },
  };
}
