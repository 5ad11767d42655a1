/** @module The contract model's environment and response shapes (cosmwasm `Env`, `Response<BabylonMsg>`). */
import type { BlockContext } from "../../chain/module.ts";
import type { KVStore } from "../../store/kv-store.ts";
import type { EquivocationEvidence } from "../babylon-host.ts";

/** cosmwasm `Env`, reduced to what the contract reads. */
export type ContractEnv = {
  /** Babylon block height (`env.block.height`). */
  blockHeight: number;
  /** Babylon chain id (`env.block.chain_id`): part of the signing contexts. */
  chainId: string;
  /** The contract's own bech32 address (`env.contract.address`). */
  contractAddress: string;
  /** Block time, handed to the Babylon host's queries (defaults to the Unix epoch). */
  blockTime?: Date;
};

export type Attribute = { key: string; value: string };

/** A custom event (`Event::new(type)`); wasmd reports it as `wasm-<type>`. */
export type ContractEvent = { type: string; attributes: Attribute[] };

/** The contract's custom message to Babylon (§8). */
export type BabylonMsg = { msg_equivocation_evidence: EquivocationEvidence };

/** `Response<BabylonMsg>`: plain attributes (→ the `wasm` event), custom events, messages. No `data`. */
export type ContractResponse = {
  attributes: Attribute[];
  events: ContractEvent[];
  messages: BabylonMsg[];
};

/**
 * Reports of the contract's in-wasm cryptography, for a caller that meters gas (storage is metered
 * by the chain's store itself). `bip340`: a commitment signature; `eots`: a vote's EOTS check;
 * `merkle`: one inclusion proof, `units` = its aunts.
 */
export type ContractMeter = {
  compute(kind: "bip340" | "eots" | "merkle", units: number): void;
};

export type ContractCallOptions = { meter?: ContractMeter };

/** The block context the contract's Babylon queries run in. */
export const hostContext = (store: KVStore, env: ContractEnv): BlockContext => ({
  height: env.blockHeight,
  time: env.blockTime ?? new Date(0),
  chainId: env.chainId,
  store,
});

export const attribute = (key: string, value: string): Attribute => ({ key, value });
