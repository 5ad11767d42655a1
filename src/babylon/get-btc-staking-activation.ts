/** @module `getBtcStakingActivation`: when BTC staking first gave any delegation power (gadget spec §1.5). */
import type { BtcHeaderInfo } from "./btc-header.ts";
import { BabylonInvalidResponseError } from "./errors.ts";
import { getBtcBaseHeader } from "./get-btc-base-header.ts";
import { mainChainPage } from "./get-btc-height-at-timestamp.ts";
import { getBtcTip } from "./get-btc-tip.ts";
import { getCheckpointParams } from "./get-checkpoint-params.ts";
import { getFinalityProviderDelegations } from "./get-finality-provider-delegations.ts";
import { getFinalityProviders } from "./get-finality-providers.ts";
import { getStakingParams } from "./get-staking-params.ts";
import { mapBounded } from "./internal.ts";
import type { BabylonRpc } from "./rpc.ts";

export type BtcStakingActivation = {
  /** The earliest BTC height at which a delegation with covenant quorum is active (`start_height + k`). */
  btcHeight: number;
  /**
   * That BTC header's timestamp, unix seconds: the BTC-staking activation timestamp. `null` when the height is
   * below the BTC light client's base header (Babylon holds no such header; it never will).
   */
  timestamp: number | null;
};

const PATH = "/babylon.btclightclient.v1.Query/MainChain";

/**
 * The reference gadget's activation (spec §1.5): the earliest `start_height + k` over every delegation of every
 * FP of `bsnId` with at least `covenant_quorum` covenant signatures and at or below the BTC light-client tip
 * (unbonding and expiry ignored, as the gadget), and that header's timestamp. `null` when none is active yet.
 * Once non-null the answer never changes: callers should cache it forever.
 *
 * Causes, with F FPs and D delegators per FP: ⌈F/100⌉ `FinalityProviders`, one btcstaking `Params`, one
 * btccheckpoint `Params`, one btclightclient `Tip`, F·⌈D/100⌉ `FinalityProviderDelegations` (4 at a time),
 * then, when activated, one `BaseHeader` and (above the base) 1 + ⌈(tip − height)/1000⌉ `MainChain` pages walking
 * down to the header.
 * @throws BabylonUnavailableError / BabylonQueryError / BabylonInvalidResponseError.
 */
export async function getBtcStakingActivation(
  rpc: BabylonRpc,
  bsnId: string,
): Promise<BtcStakingActivation | null> {
  const [fps, staking, checkpoint, tip] = await Promise.all([
    getFinalityProviders(rpc, bsnId),
    getStakingParams(rpc),
    getCheckpointParams(rpc),
    getBtcTip(rpc),
  ]);
  const perFp = await mapBounded(fps, 4, (fp) => getFinalityProviderDelegations(rpc, fp.btcPk));
  let earliest = Number.POSITIVE_INFINITY;
  for (const delegations of perFp) {
    for (const d of delegations) {
      const firstActive = d.startHeight + checkpoint.k;
      if (d.covenantSigs >= staking.covenantQuorum && firstActive <= tip.height && firstActive < earliest) {
        earliest = firstActive;
      }
    }
  }
  if (!Number.isFinite(earliest)) return null;
  const base = await getBtcBaseHeader(rpc);
  if (earliest < base.height) return { btcHeight: earliest, timestamp: null };
  if (earliest === base.height) return { btcHeight: earliest, timestamp: base.timestamp };
  const header = await btcHeaderAt(rpc, earliest, tip.height);
  return { btcHeight: earliest, timestamp: header.timestamp };
}

/** The main-chain header at `height` (≤ `tipHeight`), walking `MainChain` pages down from the tip. */
async function btcHeaderAt(rpc: BabylonRpc, height: number, tipHeight: number): Promise<BtcHeaderInfo> {
  let key: Uint8Array = new Uint8Array();
  let above = tipHeight + 1;
  for (;;) {
    const page = await mainChainPage(rpc, key, Math.min(1000, above - height));
    const found = page.headers.find((h) => h.height === height);
    if (found) return found;
    const last = page.headers[page.headers.length - 1];
    if (!last || page.nextKey.length === 0 || last.height <= height) {
      throw new BabylonInvalidResponseError(PATH, `no main-chain header at BTC height ${height}`);
    }
    above = last.height;
    key = page.nextKey;
  }
}
