/**
 * @module Test doubles for the read API (Node tests): an in-memory KV namespace, fake chain readers over the
 * finality rule's fake chain, and a fake `Env`. Every upstream call is counted.
 */

import { toBech32 } from "@cosmjs/encoding";
import type { ChainReaders, TxLocation } from "../../src/api/context.ts";
import {
  type PowerTable as BabylonPowerTable,
  BtcTimestampBeforeBaseError,
  type ContractConfig,
} from "../../src/babylon/index.ts";
import type { Voter } from "../../src/finality/index.ts";
import { BlockNotFoundError, type BlockRef, type Hex } from "../../src/l2/index.ts";
import { coordinatorNamespace } from "./coordinator-namespace.ts";
import { fakeChain, fakeHash, fakeVoter } from "./fake-finality-sources.ts";
import { sqliteD1 } from "./sqlite-d1.ts";

/**
 * A Map-backed KVNamespace with the operations the edge uses (get text, get with metadata, put with metadata,
 * delete, list by prefix).
 */
export function memoryKv() {
  const store = new Map<string, string>();
  const metadata = new Map<string, unknown>();
  const ops = { get: 0, put: 0, list: 0, delete: 0 };
  const kv = {
    store,
    metadata,
    ops,
    async get(key: string) {
      ops.get++;
      return store.get(key) ?? null;
    },
    async getWithMetadata(key: string) {
      ops.get++;
      return { value: store.get(key) ?? null, metadata: metadata.get(key) ?? null, cacheStatus: null };
    },
    async put(key: string, value: string, options: { metadata?: unknown } = {}) {
      ops.put++;
      store.set(key, value);
      if (options.metadata === undefined) metadata.delete(key);
      else metadata.set(key, options.metadata);
    },
    async delete(key: string) {
      ops.delete++;
      store.delete(key);
      metadata.delete(key);
    },
    async list(options: { prefix?: string; limit?: number } = {}) {
      ops.list++;
      const names = [...store.keys()].filter((k) => k.startsWith(options.prefix ?? "")).sort();
      const keys = names.slice(0, options.limit ?? 1000).map((name) => ({ name }));
      return { keys, list_complete: true, cacheStatus: null };
    },
  };
  return kv;
}

export const FP = { a: "aa".repeat(32), b: "bb".repeat(32), c: "cc".repeat(32) };
export const CONTRACT_ADDRESS = toBech32("bbn", new Uint8Array(32).fill(7));

export const CONTRACT: ContractConfig = {
  bsnId: "op-devnet-bsn",
  activationHeight: 10,
  interval: 5,
  minPubRand: 1,
  rateLimiting: { blockInterval: 100, maxMsgsPerInterval: 100 },
};

/** Fake readers over a chain of `length` blocks; FPs a, b, c have 100 sat each; `vote` records votes. */
export function fakeReaders(length = 31) {
  const chain: BlockRef[] = fakeChain(length);
  const book = new Map<string, Voter[]>();
  const calls: Record<string, number> = {};
  const txs = new Map<string, TxLocation>();
  let failing: Error | null = null;
  let beforeBtcBase = false;
  const highestVoted = new Map<string, number>();
  let activation: { btcHeight: number; timestamp: number | null } | null = null;
  const count = (name: string) => {
    calls[name] = (calls[name] ?? 0) + 1;
    if (failing) throw failing;
  };
  const readers: ChainReaders = {
    async blockRef(id) {
      count("blockRef");
      const found =
        typeof id === "bigint"
          ? chain[Number(id)]
          : id === "latest" || id === "finalized"
            ? chain[chain.length - 1]
            : chain.find((b) => b.hash === id.toLowerCase());
      if (!found) throw new BlockNotFoundError(String(id));
      return found;
    },
    async blockAt(number) {
      count("blockAt");
      return chain[Number(number)] ?? null;
    },
    async contractConfig() {
      count("contractConfig");
      return CONTRACT;
    },
    async blockVoters(height, hash) {
      count("blockVoters");
      return book.get(`${height}/${hash}`) ?? [];
    },
    async btcHeightAt(timestamp) {
      count("btcHeightAt");
      if (beforeBtcBase) throw new BtcTimestampBeforeBaseError(timestamp, { height: 100, timestamp: 1 });
      return { height: 100 };
    },
    async powerTable(_bsnId, btcHeight): Promise<BabylonPowerTable> {
      count("powerTable");
      const providers = Object.values(FP).map((btcPk) => ({ btcPk, power: 100n, slashed: false }));
      return { btcHeight, totalPower: 300n, providers };
    },
    async transaction(hash) {
      count("transaction");
      return txs.get(hash) ?? { status: "unknown" };
    },
    async l2Head() {
      count("l2Head");
      return BigInt(chain.length - 1);
    },
    async babylonHeight() {
      count("babylonHeight");
      return 42;
    },
    async highestVotedHeight(fpBtcPk) {
      count("highestVotedHeight");
      return highestVoted.get(fpBtcPk) ?? null;
    },
    async btcStakingActivation() {
      count("btcStakingActivation");
      return activation;
    },
  };
  return {
    chain,
    readers,
    calls,
    txs,
    /** Total upstream calls so far. */
    total: () => Object.values(calls).reduce((a, b) => a + b, 0),
    /** Makes every reader throw `error` (or stop throwing with `null`). */
    fail(error: Error | null) {
      failing = error;
    },
    /** Every L2 timestamp now precedes the BTC light client's base header. */
    btcBeforeBase() {
      beforeBtcBase = true;
    },
    /** BTC staking becomes active at `btcHeight` (header time `timestamp`), or inactive with `null`. */
    activate(value: { btcHeight: number; timestamp: number | null } | null) {
      activation = value;
    },
    /** FPs vote for the blocks at `heights` (the contract's `highest_voted_height` follows). */
    vote(heights: number[], fps: string[] = [FP.a, FP.b]) {
      for (const fp of fps) {
        const highest = Math.max(highestVoted.get(fp) ?? -1, ...heights);
        if (highest >= 0) highestVoted.set(fp, highest);
      }
      for (const h of heights) {
        const b = chain[h] as BlockRef;
        book.set(
          `${h}/${b.hash}`,
          fps.map((fp) => fakeVoter(fp, b.number)),
        );
      }
    },
    /** FPs vote for a non-canonical (forked) block at `height`. */
    voteFork(height: number, fps: string[]) {
      book.set(
        `${height}/${fakeHash(BigInt(height), 9)}`,
        fps.map((fp) => fakeVoter(fp, BigInt(height))),
      );
    },
    hash: (n: number): Hex => (chain[n] as BlockRef).hash,
  };
}

export function fakeEnv(kv: ReturnType<typeof memoryKv>, chains: string[] = ["op-devnet"]): Env {
  const config = chains.map((id) => ({
    id,
    l2RpcUrl: "http://127.0.0.1:8545",
    babylonRpcUrl: "http://127.0.0.1:26657",
    babylonChainId: "bbn-devnet",
    contractAddress: CONTRACT_ADDRESS,
  }));
  // Each env gets its own coordinators (the real coordinator code over in-memory SQLite).
  // And its own vote history: the D1 schema on in-memory SQLite.
  const env = { CHAINS: JSON.stringify(config), FINALITY_KV: kv, HISTORY_DB: sqliteD1() } as unknown as Env;
  (env as { CHAIN_COORDINATOR: DurableObjectNamespace }).CHAIN_COORDINATOR = coordinatorNamespace(
    () => env,
  ).namespace;
  return env;
}
