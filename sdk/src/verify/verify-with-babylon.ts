/** @module `verifyWithBabylon`: the answer re-checked against a Babylon RPC the caller chooses. */
import { createBabylonReaders } from "./create-babylon-readers.ts";
import type { FinalityDecision, VerificationResult, VerifyWithBabylonOptions } from "./types.ts";
import { verifyAgainstBabylon } from "./verify-against-babylon.ts";

/**
 * Everything {@link verifyDecision} checks, then over `babylonRpcUrl` (the caller's choice, never the edge's): the
 * contract's config, its `block_voters` for the grid block compared one for one with the answer's voters
 * (signatures included), the BTC height re-derived from the grid block's timestamp, the BSN's power table at it
 * compared with every stated power and the total, and the quorum recomputed from Babylon's voters and table with
 * the edge's own rule code; with `previousGrids: N` and `l2`, the N previous grid blocks are re-decided too.
 * So a bridge trusts neither the edge nor its cache.
 *
 * **Proves**, when `valid`: on the Babylon state this RPC node reports, the FPs that voted for this grid block
 * (votes the contract accepted, so with committed, BTC-timestamped randomness) hold at least the quorum of the
 * BSN's voting power at the BTC height of the block's timestamp, and the answer's numbers are Babylon's.
 * **Still trusts** (see `result.trusts`): the RPC node (no light-client or query proofs), Babylon's current state
 * (power at a past BTC height reflects later unbondings and slashings, as on the edge), the edge's BTC height when
 * it cannot be re-derived (an older off-grid answer without `l2`), the grid block's timestamp as the answer states
 * it (without `l2`), the previous grid blocks beyond `previousGrids`, the L2 chain without `l2` (off the grid:
 * the grid block's canonicity and the block's ancestry), and for a tx answer that the transaction is in the block.
 *
 * The grid block (`gridBlock`) names the votes to read (`block_voters` at its height and hash) and the timestamp
 * the BTC height is re-derived from. An older answer without evidence is verified from Babylon's votes alone (off
 * the grid it then needs `l2` or `gridBlockHash`). Costs about
 * 6 + F Babylon queries for F finality providers (10 on the devnet, with 4).
 */
export async function verifyWithBabylon(
  decision: FinalityDecision,
  options: VerifyWithBabylonOptions,
): Promise<VerificationResult> {
  if (typeof options.babylonRpcUrl !== "string" || !/^https?:\/\//.test(options.babylonRpcUrl))
    throw new TypeError("babylonRpcUrl must be an http(s) URL");
  const readers = createBabylonReaders(options);
  return verifyAgainstBabylon(decision, readers, { ...options, babylonLabel: options.babylonRpcUrl });
}
