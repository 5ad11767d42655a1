/** @module The pure-JavaScript engine: @noble/curves' BIP-340 verification, usable wherever JavaScript runs. */
import { schnorr } from "@noble/curves/secp256k1.js";
import type { SchnorrEngine } from "./schnorr-engine.ts";

/**
 * noble's `schnorr.verify` answers `false` for an invalid key, `r ≥ p`, `s ≥ n` (and also `s = 0`, which
 * honest signing reaches with negligible probability) and never throws for well-sized inputs.
 */
export const nobleSchnorrEngine: SchnorrEngine = {
  name: "noble",
  verifyBip340: (pubKeyX, digest, sig64) => schnorr.verify(sig64, digest, pubKeyX),
};
