/** @module The contract's BTC-timestamping rule for the commit covering a vote (§9.2 step 8). */
import { bytesToHex } from "../crypto/index.ts";
import { pubRandCommitNotBtcTimestamped } from "./stateful-errors.ts";

/**
 * The covering commit is usable once Babylon has finalized the epoch it was made in:
 * `last_finalized ≥ commit.babylon_epoch`, and some epoch must be finalized at all (0: none yet).
 * The text names the key as lowercase hex of its bytes.
 */
export function checkCommitTimestamped(
  fpPubkey: Uint8Array,
  commitEpoch: number | bigint,
  lastFinalizedEpoch: number | bigint,
): void {
  const finalized = BigInt(lastFinalizedEpoch);
  if (finalized === 0n) throw pubRandCommitNotBtcTimestamped("No finalized epoch yet");
  if (finalized < BigInt(commitEpoch)) {
    throw pubRandCommitNotBtcTimestamped(
      `The finality provider ${bytesToHex(fpPubkey)} last committed epoch: ${commitEpoch}, last finalized epoch: ${finalized}`,
    );
  }
}
