/**
 * @module Test support: a minimal chain driver around the Babylon modules (genesis, one
 * `beginBlock` per block at `BABYLON_BLOCK_MS` spacing, queries through the protobuf boundary). The
 * real chain core drives the same seams; this keeps the module tests independent of it.
 */
import { toBech32 } from "@cosmjs/encoding";
import { sha256 } from "@noble/hashes/sha2.js";
import { utf8ToBytes } from "../../../../src/crypto/index.ts";
import { type BlockContext, TxFailure } from "../../chain/module.ts";
import type { ChainTiming, DevnetGenesis } from "../../genesis.ts";
import { DEFAULT_CHAIN_TIMING, defaultGenesis } from "../../genesis-load.ts";
import { type KVStore, MemoryStore } from "../../store/kv-store.ts";
import type { ProtoCodec } from "./grpc.ts";
import { type BabylonModules, createBabylonModules } from "./index.ts";

/** A deterministic stand-in for the core's mnemonic-derived addresses. */
export function testAddressOf(accountName: string): string {
  return toBech32("bbn", sha256(utf8ToBytes(`test-account/${accountName}`)).slice(0, 20));
}

export class TestChain {
  readonly genesis: DevnetGenesis;
  readonly timing: ChainTiming;
  readonly babylon: BabylonModules;
  store: MemoryStore;
  height = 0;
  time: Date;

  constructor(options: { genesis?: DevnetGenesis; timing?: Partial<ChainTiming>; store?: MemoryStore } = {}) {
    this.genesis = options.genesis ?? defaultGenesis();
    this.timing = { ...DEFAULT_CHAIN_TIMING, ...options.timing };
    this.babylon = createBabylonModules({
      genesis: this.genesis,
      timing: this.timing,
      addressOf: testAddressOf,
    });
    this.time = new Date(this.genesis.genesisTime);
    this.store = options.store ?? new MemoryStore();
    if (options.store === undefined) this.babylon.initGenesis(this.context(this.store));
  }

  context(store: KVStore = this.store): BlockContext {
    return { height: this.height, time: this.time, chainId: this.genesis.chainId, store };
  }

  /** Produces the next block: `beginBlock` of every module, in order. */
  nextBlock(): BlockContext {
    this.height += 1;
    this.time = new Date(this.time.getTime() + this.timing.blockMs);
    const ctx = this.context();
    for (const module of this.babylon.modules) module.beginBlock?.(ctx);
    return ctx;
  }

  advanceTo(height: number): void {
    while (this.height < height) this.nextBlock();
  }

  /** Runs a query by its gRPC path, round-tripping request and response through their codecs. */
  query<Req, Res>(path: string, request: ProtoCodec<Req>, req: Req, response: ProtoCodec<Res>): Res {
    const handler = this.babylon.modules.find((m) => m.queries?.[path] !== undefined)?.queries?.[path];
    if (handler === undefined) throw new Error(`no module answers ${path}`);
    return response.decode(handler(request.encode(req).finish(), this.context()));
  }

  /** The `TxFailure` a query fails with (the test fails if it succeeds or throws something else). */
  queryFailure<Req>(path: string, request: ProtoCodec<Req>, req: Req): TxFailure {
    const handler = this.babylon.modules.find((m) => m.queries?.[path] !== undefined)?.queries?.[path];
    if (handler === undefined) throw new Error(`no module answers ${path}`);
    try {
      handler(request.encode(req).finish(), this.context());
    } catch (error) {
      if (error instanceof TxFailure) return error;
      throw error;
    }
    throw new Error(`${path} succeeded`);
  }
}

/** An empty page request (the codecs want every field). */
export const page = (
  fields: Partial<{
    key: Uint8Array;
    offset: number;
    limit: number;
    countTotal: boolean;
    reverse: boolean;
  }> = {},
) => ({ key: new Uint8Array(), offset: 0, limit: 0, countTotal: false, reverse: false, ...fields });
