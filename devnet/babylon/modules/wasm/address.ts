/**
 * @module Deterministic addresses of the genesis finality contracts: 32 bytes (the length wasmd's
 * contract addresses have) from `sha256(label ‖ bsn_id)`, bech32 with Babylon's `bbn` prefix.
 */
import { toBech32 } from "@cosmjs/encoding";
import { sha256 } from "@noble/hashes/sha2.js";
import { utf8ToBytes } from "../../../../src/crypto/index.ts";

const LABEL = "finality-edge/devnet/wasm/finality-contract/";

export const finalityContractAddress = (bsnId: string): string =>
  toBech32("bbn", sha256(utf8ToBytes(LABEL + bsnId)));
