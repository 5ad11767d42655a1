/**
 * @module The `BabylonHost` the finality contract model talks to: the FP facts it reads through
 * `/babylon.btcstaking.v1.Query/FinalityProvider`, the epoch custom queries, and Babylon's handler
 * of its equivocation message. All answers come from the same KV state the gRPC queries read.
 */
import type { BabylonHost, FinalityProviderFacts } from "../babylon-host.ts";
import { getFinalityProvider } from "./btcstaking-records.ts";
import { lastFinalizedEpoch } from "./checkpointing.ts";
import { currentEpoch } from "./epoching.ts";
import { handleEquivocationEvidence } from "./finality.ts";
import { goBip340PubKeyHex } from "./go-parse.ts";

export function createBabylonHost(): BabylonHost {
  return {
    finalityProvider(ctx, fpBtcPkHex): FinalityProviderFacts | undefined {
      let pkHex: string;
      try {
        // Babylon decodes the hex as given (either case); anything else fails its gRPC lookup.
        pkHex = goBip340PubKeyHex(fpBtcPkHex);
      } catch {
        return undefined;
      }
      const fp = getFinalityProvider(ctx.store, pkHex);
      if (fp === undefined) return undefined;
      return {
        bsnId: fp.bsnId,
        slashedBabylonHeight: fp.slashedBabylonHeight,
        slashedBtcHeight: fp.slashedBtcHeight,
      };
    },
    currentEpoch: (ctx) => currentEpoch(ctx.store).epochNumber,
    lastFinalizedEpoch: (ctx) => lastFinalizedEpoch(ctx.store),
    handleEquivocationEvidence,
  };
}
