/**
 * @module Gas for contract calls, so `simulate` and `gas_used` look like Babylon's: wasmd's
 * per-instance cost, its event costs, and flat amounts for the in-wasm cryptography (k256
 * Schnorr/EOTS, SHA-256 Merkle path) in the range real rollup-BSN finality txs use. The contract's
 * storage reads and writes are charged by the chain's metered store (SDK KV costs). Not exact:
 * there is no wasm instruction metering.
 */
import type { AbciEvent, TxContext } from "../../chain/module.ts";
import type { ContractMeter } from "../finality-contract/index.ts";

export const WASM_GAS = {
  /** wasmd `DefaultInstanceCost`: loading a (non-pinned) contract instance. */
  instance: 60_000,
  /** JSON payload handling, per byte of `msg`. */
  msgPerByte: 2,
  /** In-wasm BIP-340 verification of a randomness commitment. */
  bip340Verify: 80_000,
  /** In-wasm EOTS verification of a vote. */
  eotsVerify: 95_000,
  /** One Merkle path step (two SHA-256 in wasm). */
  merkleStep: 1_500,
  /** wasmd event costs: per custom event, per attribute, per attribute byte. */
  perCustomEvent: 20,
  perAttribute: 10,
  perAttributeByte: 1,
} as const;

/** A meter that charges the contract's in-wasm cryptography to the tx. */
export function contractMeter(ctx: TxContext): ContractMeter {
  return {
    compute(kind, units) {
      if (kind === "bip340") ctx.consumeGas(WASM_GAS.bip340Verify * units, "wasm contract: bip340 verify");
      else if (kind === "eots") ctx.consumeGas(WASM_GAS.eotsVerify * units, "wasm contract: eots verify");
      else ctx.consumeGas(WASM_GAS.merkleStep * (units + 1), "wasm contract: merkle proof");
    },
  };
}

export function chargeInstance(ctx: TxContext, msgBytes: number): void {
  ctx.consumeGas(WASM_GAS.instance, "Loading CosmWasm module: execute");
  ctx.consumeGas(WASM_GAS.msgPerByte * msgBytes, "wasm contract: msg");
}

export function chargeEvents(ctx: TxContext, events: readonly AbciEvent[]): void {
  let gas = 0;
  for (const event of events) {
    if (event.type.startsWith("wasm-")) gas += WASM_GAS.perCustomEvent;
    for (const { key, value } of event.attributes) {
      gas += WASM_GAS.perAttribute + WASM_GAS.perAttributeByte * (key.length + value.length);
    }
  }
  if (gas > 0) ctx.consumeGas(gas, "wasm contract: events");
}
