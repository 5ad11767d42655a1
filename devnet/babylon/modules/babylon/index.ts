/**
 * @module The emulator's Babylon modules (btclightclient, btcstaking, epoching, checkpointing,
 * btccheckpoint, finality's evidence handling) and the `BabylonHost` the finality contract uses.
 *
 * `modules` are in `beginBlock` order and must run in that order: the light client first (new BTC
 * headers), then btcstaking (unbonding scheduled at the new tip), then epoching (a new epoch at its
 * first block) and checkpointing (sealing the epoch that just ended, finalizing older ones).
 */
import type { BlockContext, ChainModule } from "../../chain/module.ts";
import { type ChainTiming, type DevnetGenesis, genesisBtcTipHeight } from "../../genesis.ts";
import type { BabylonHost } from "../babylon-host.ts";
import { createBtcCheckpointModule, initBtcCheckpoint } from "./btccheckpoint.ts";
import { createBtcLightClientModule, initLightClient } from "./btclightclient.ts";
import { createBtcStakingModule } from "./btcstaking.ts";
import { initBtcStaking } from "./btcstaking-genesis.ts";
import { createCheckpointingModule, initCheckpointing } from "./checkpointing.ts";
import { createEpochingModule, initEpoching } from "./epoching.ts";
import { createFinalityModule } from "./finality.ts";
import { createBabylonHost } from "./host.ts";

export type BabylonModulesOptions = {
  genesis: DevnetGenesis;
  timing: ChainTiming;
  /** Bech32 (`bbn1…`) address of a genesis account by name. */
  addressOf(accountName: string): string;
};

export type BabylonModules = {
  modules: ChainModule[];
  host: BabylonHost;
  /** Writes the genesis state; `ctx.time` is the genesis time (it anchors the BTC header schedule). */
  initGenesis(ctx: BlockContext): void;
};

export function createBabylonModules(options: BabylonModulesOptions): BabylonModules {
  const { genesis, timing } = options;
  return {
    modules: [
      createBtcLightClientModule({ btcBlockMs: timing.btcBlockMs }),
      createBtcStakingModule(),
      createEpochingModule({ epochBlocks: timing.epochBlocks }),
      createCheckpointingModule({ finalizeDelay: timing.finalizeDelay }),
      createBtcCheckpointModule(),
      createFinalityModule(),
    ],
    host: createBabylonHost(),
    initGenesis(ctx) {
      initLightClient(ctx.store, {
        baseHeight: genesis.btc.baseHeight,
        baseTime: genesis.btc.baseTime,
        tipHeight: genesisBtcTipHeight(genesis.btc),
        genesisTimeMs: ctx.time.getTime(),
      });
      initBtcCheckpoint(ctx.store, { k: genesis.btc.k, w: genesis.btc.w });
      initBtcStaking(ctx, genesis, options.addressOf);
      initEpoching(ctx, timing.epochBlocks);
      initCheckpointing(ctx.store);
    },
  };
}

export { btcTipHeight, headerAtHeight, tipHeader } from "./btclightclient.ts";
export { delegationStatus } from "./btcstaking-lifecycle.ts";
export { lastFinalizedEpoch } from "./checkpointing.ts";
export { currentEpoch, lastBlockHeight } from "./epoching.ts";
export { SLASHED_FP_EVENT } from "./finality.ts";
