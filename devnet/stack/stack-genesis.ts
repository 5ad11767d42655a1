/**
 * @module The local stack's Babylon genesis: the default genesis (accounts and the `edge-devnet-l2` consumer
 * unchanged) plus a second consumer `edge-devnet-l2b` with its own four FPs (`fp-b1`…`fp-b4`), so one emulator
 * serves two L2 chains, each with its own finality contract and BSN id. Devnet only: every mnemonic and BTC
 * key in `genesis.stack.json` is public test material.
 */
import { fileURLToPath } from "node:url";
import type { DevnetGenesis } from "../babylon/genesis.ts";
import { parseGenesis } from "../babylon/genesis-load.ts";
import stackGenesisJson from "./genesis.stack.json" with { type: "json" };

/**
 * Absolute path of `genesis.stack.json` (for `BABYLON_GENESIS` of an emulator child process). Resolved as
 * `../../devnet/stack/…` rather than `./…` because `scripts/run-ts.mjs` bundles entry points into
 * `.tmp/run/`, where `import.meta.url` names the bundle; both places sit two levels below the repository root.
 */
export const STACK_GENESIS_PATH = fileURLToPath(
  new URL("../../devnet/stack/genesis.stack.json", import.meta.url),
);

/**
 * The stack genesis, validated by the emulator's own loader (a fresh copy on every call). The JSON is
 * imported rather than read from {@link STACK_GENESIS_PATH}, so bundled entry points need no file at run time.
 */
export function stackGenesis(): DevnetGenesis {
  return parseGenesis(stackGenesisJson, "devnet/stack/genesis.stack.json");
}
