/**
 * @module Genesis: one finality contract per consumer (BSN), instantiated with the consumer's
 * instantiate fields, its admin account's address, and an allowlist of its FPs' x-only BTC keys
 * (`"all"`, or the FPs owned by the named accounts).
 */
import { bytesToHex, hexToBytes, xOnlyPublicKey } from "../../../../src/crypto/index.ts";
import type { BlockContext } from "../../chain/module.ts";
import type { DevnetGenesis, GenesisConsumer } from "../../genesis.ts";
import { ContractError, instantiateFinalityContract } from "../finality-contract/index.ts";
import { finalityContractAddress } from "./address.ts";
import { FINALITY_CODE_ID, loadContract, saveContract } from "./registry.ts";

const fpKeyHex = (secretKeyHex: string): string =>
  bytesToHex(xOnlyPublicKey(hexToBytes(secretKeyHex, "btcSecretKeyHex")));

/** The consumer's allowlist as x-only key hex. */
export function consumerAllowlist(consumer: GenesisConsumer): string[] {
  const { allowlist } = consumer.contract;
  if (allowlist === "all") return consumer.finalityProviders.map((fp) => fpKeyHex(fp.btcSecretKeyHex));
  return allowlist.map((account) => {
    const fp = consumer.finalityProviders.find((candidate) => candidate.account === account);
    if (fp === undefined) {
      throw new Error(
        `genesis: consumer ${consumer.bsnId} allowlists ${account}, which owns none of its FPs`,
      );
    }
    return fpKeyHex(fp.btcSecretKeyHex);
  });
}

export function instantiateGenesisContracts(
  ctx: BlockContext,
  genesis: DevnetGenesis,
  addressOf: (accountName: string) => string,
): void {
  // InitChain runs at the initial height (1).
  const height = ctx.height > 0 ? ctx.height : 1;
  for (const consumer of genesis.consumers) {
    const address = finalityContractAddress(consumer.bsnId);
    if (loadContract(ctx.store, address) !== undefined) continue;
    const { admin: adminAccount, allowlist: _allowlist, ...fields } = consumer.contract;
    const admin = addressOf(adminAccount);
    try {
      instantiateFinalityContract(
        ctx.store,
        { blockHeight: height, chainId: ctx.chainId, contractAddress: address, blockTime: ctx.time },
        { admin, bsn_id: consumer.bsnId, ...fields, allowed_finality_providers: consumerAllowlist(consumer) },
      );
    } catch (error) {
      if (error instanceof ContractError) {
        throw new Error(
          `genesis: the finality contract for ${consumer.bsnId} refused to instantiate: ${error.message}`,
        );
      }
      throw error;
    }
    saveContract(ctx.store, {
      address,
      codeId: FINALITY_CODE_ID,
      creator: admin,
      admin,
      label: `finality-${consumer.bsnId}`,
      bsnId: consumer.bsnId,
      createdHeight: height,
    });
  }
}
