/**
 * @module The seams between the chain core and the modules (auth/bank live in the core; wasm with the
 * finality contract, btcstaking, btclightclient, btccheckpoint, epoching and checkpointing are modules).
 */
import type { KVStore } from "../store/kv-store.ts";

/** An ABCI event as CometBFT reports it in tx results (`type`, string attributes). */
export type AbciEvent = { type: string; attributes: Array<{ key: string; value: string }> };

export type BlockContext = {
  /** The height of the block being built (queries: the latest committed height). */
  height: number;
  /** The block's header time. */
  time: Date;
  chainId: string;
  store: KVStore;
};

export type TxContext = BlockContext & {
  /** Bech32 address of the tx's (single) signer. */
  signer: string;
  /** Appends an event to the tx result; events of a failed tx are dropped with its writes. */
  emit(event: AbciEvent): void;
  /** Gas metering: adds `amount` to the gas used (out-of-gas fails the tx like a chain does). */
  consumeGas(amount: number, descriptor: string): void;
};

/** A message handler failure: the tx fails with this ABCI code and log (codespace as on Babylon). */
export class TxFailure extends Error {
  override name = "TxFailure";
  readonly codespace: string;
  readonly abciCode: number;
  constructor(codespace: string, abciCode: number, log: string) {
    super(log);
    this.codespace = codespace;
    this.abciCode = abciCode;
  }
}

/** gRPC query path (e.g. `/babylon.btcstaking.v1.Query/FinalityProvider`) → protobuf request → protobuf response. */
export type QueryHandler = (request: Uint8Array, ctx: BlockContext) => Uint8Array;

/** Protobuf `Any.typeUrl` of a tx message → handler of its encoded value; returns the msg response bytes. */
export type MessageHandler = (value: Uint8Array, ctx: TxContext) => Uint8Array | undefined;

export interface ChainModule {
  readonly name: string;
  readonly queries?: Readonly<Record<string, QueryHandler>>;
  readonly messages?: Readonly<Record<string, MessageHandler>>;
  /** Runs at the start of every block, before its txs (epochs, BTC headers, expiries). */
  beginBlock?(ctx: BlockContext): void;
}
