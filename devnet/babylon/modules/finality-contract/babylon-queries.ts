/**
 * @module The contract's Babylon queries (contract.md §11) over the host: the gRPC
 * `FinalityProvider` lookup. What a failed or slashed lookup means to each message is the shared
 * rules' (`checkCommitFinalityProvider`, `checkVoteFinalityProvider` in src/contract-rules).
 */
import type { BlockContext } from "../../chain/module.ts";
import type { BabylonHost, FinalityProviderFacts } from "../babylon-host.ts";

/**
 * `/babylon.btcstaking.v1.Query/FinalityProvider`. The contract sends the key as given; Babylon
 * parses it case-insensitively, so the host gets the decoded key as lowercase hex.
 */
export const queryFinalityProvider = (
  host: BabylonHost,
  ctx: BlockContext,
  fpPubkeyHex: string,
): FinalityProviderFacts | undefined => host.finalityProvider(ctx, fpPubkeyHex);
