/**
 * @module The node: mempool, block production on a timer (a block every `blockMs`; block h is timed
 * genesis + (h-1)·blockMs), the block store, waiters for heights and tx inclusion, and snapshots to
 * the data directory. Txs accepted by CheckTx go into the next block.
 */

import { hexToBytes } from "../../../src/crypto/index.ts";
import type { ChainApp, TxResult } from "./app.ts";
import {
  type BlockRecord,
  BlockStore,
  blockFromStored,
  blockToStored,
  buildBlock,
  txHash,
} from "./blocks.ts";
import { type Timestamp, upperHex } from "./encoding.ts";
import { CONSENSUS_PARAMS, Validator } from "./header.ts";
import { Mempool, MempoolError, type PendingTx } from "./mempool.ts";
import { readSnapshot, SNAPSHOT_FORMAT, type Snapshot, writeSnapshot } from "./snapshot.ts";

export type ChainNodeOptions = {
  app: ChainApp;
  genesisTime: Timestamp;
  blockMs: number;
  /** sha256 of the genesis (hex), checked against a snapshot's. */
  genesisHash: string;
  dataDir?: string;
  /** Write a snapshot every this many blocks (and on stop). */
  snapshotEveryBlocks?: number;
  log?: (line: string) => void;
  /** Wall clock in ms (default `Date.now`): block times follow it, as CometBFT's do. */
  clock?: () => number;
};

export type BroadcastOutcome = { hash: string; result: TxResult };
export type Inclusion = { height: number; index: number; result: TxResult };

export { MempoolError };

export class ChainNode {
  readonly app: ChainApp;
  readonly blocks = new BlockStore();
  readonly mempool = new Mempool();
  readonly validator: Validator;
  readonly genesisTime: Timestamp;
  readonly blockMs: number;
  readonly #genesisHash: string;
  readonly #dataDir: string | undefined;
  readonly #snapshotEvery: number;
  readonly #log: (line: string) => void;
  readonly #clock: () => number;
  #timer: NodeJS.Timeout | undefined;
  #nextTarget = 0;
  #running = false;
  #snapshotWrite: Promise<void> | undefined;
  #snapshotPending = false;
  #lastSnapshotHeight = 0;
  #lastSnapshotMs = 0;
  /** App hash after genesis: block 1's header carries it (set by the first block, or the snapshot). */
  #genesisAppHash: Uint8Array = new Uint8Array();
  readonly #heightWaiters = new Set<{ height: number; resolve: () => void }>();
  readonly #txWaiters = new Map<string, Array<(inclusion: Inclusion | undefined) => void>>();

  constructor(options: ChainNodeOptions) {
    this.app = options.app;
    this.genesisTime = options.genesisTime;
    this.blockMs = options.blockMs;
    this.#genesisHash = options.genesisHash;
    this.#dataDir = options.dataDir;
    this.#snapshotEvery = Math.max(1, options.snapshotEveryBlocks ?? Math.ceil(5000 / options.blockMs));
    this.#log = options.log ?? (() => {});
    this.#clock = options.clock ?? Date.now;
    this.validator = new Validator(options.app.chainId);
  }

  get height(): number {
    return this.blocks.height;
  }

  /**
   * Loads the snapshot from the data dir if there is one (true when it did). Call before `start`;
   * without a snapshot the app must have run its genesis.
   */
  async restore(): Promise<boolean> {
    if (!this.#dataDir) return false;
    const snapshot = await readSnapshot(this.#dataDir);
    if (!snapshot) return false;
    if (snapshot.chainId !== this.app.chainId || snapshot.genesisHash !== this.#genesisHash) {
      throw new Error(
        `data dir ${this.#dataDir} holds chain ${snapshot.chainId} from another genesis; remove it or use another BABYLON_DATA_DIR`,
      );
    }
    for (const [key, value] of Object.entries(snapshot.store)) this.app.store.set(key, value);
    const genesisAppHash = hexToBytes(snapshot.genesisAppHash);
    this.#lastSnapshotHeight = snapshot.height;
    for (const stored of snapshot.blocks) {
      const block = blockFromStored(stored, {
        chainId: this.app.chainId,
        previous: this.blocks.latest,
        genesisAppHash,
        validator: this.validator,
      });
      this.blocks.add(block);
    }
    this.#genesisAppHash = genesisAppHash;
    this.app.restore(snapshot.height, hexToBytes(snapshot.appHash), snapshot.blockTime);
    return true;
  }

  /** Produces the first block at once if the chain has none (a node answers `status` with a block), then ticks. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    if (this.blocks.height === 0) this.produceBlock();
    this.#nextTarget = Date.now() + this.blockMs;
    this.#schedule();
  }

  #schedule(): void {
    if (!this.#running) return;
    const now = Date.now();
    if (this.#nextTarget < now - this.blockMs) this.#nextTarget = now; // fell behind: no burst of catch-up blocks
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        if (!this.#running) return;
        try {
          this.produceBlock();
        } catch (error) {
          this.#log(`devnet: block production failed: ${error instanceof Error ? error.stack : error}`);
        }
        this.#nextTarget += this.blockMs;
        this.#schedule();
      },
      Math.max(0, this.#nextTarget - now),
    );
  }

  /** Stops producing blocks and writes the final snapshot. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    // Like a node shutting down: pending broadcast_tx_commit calls end without an inclusion.
    for (const waiters of this.#txWaiters.values()) for (const resolve of waiters) resolve(undefined);
    this.#txWaiters.clear();
    await this.#snapshotWrite;
    if (this.#dataDir) await writeSnapshot(this.#dataDir, this.snapshot());
  }

  #blockTime(height: number): Timestamp {
    // The wall clock, strictly increasing and never before genesis: L2 timestamps and BTC header times
    // (scheduled in block time) then line up as they do on a live network.
    const previous = this.blocks.get(height - 1);
    const floor = previous ? previous.header.time.ms + 1 : this.genesisTime.ms;
    const ms = Math.max(floor, this.#clock());
    // Sub-millisecond digits as real block times have them; deterministic per height.
    return { ms, nanos: (height * 7919) % 1_000_000 };
  }

  /** FinalizeBlock + Commit of the next block with the mempool's txs. */
  produceBlock(): BlockRecord {
    const height = this.blocks.height + 1;
    const time = this.#blockTime(height);
    const commitTime: Timestamp = { ms: time.ms + this.blockMs, nanos: ((height + 1) * 7919) % 1_000_000 };
    const pending = this.mempool.reap(CONSENSUS_PARAMS.blockMaxBytes - 4096);
    const appHashBefore = this.app.lastAppHash;
    if (height === 1) this.#genesisAppHash = appHashBefore;
    const { results, appHash } = this.app.finalizeBlock(height, time, pending);
    const block = buildBlock({
      chainId: this.app.chainId,
      height,
      time,
      commitTime,
      previous: this.blocks.latest,
      appHashBefore,
      txs: pending.map((tx) => tx.bytes),
      txHashes: pending.map((tx) => tx.hash),
      results,
      resultAppHash: appHash,
      validator: this.validator,
    });
    this.blocks.add(block);
    this.mempool.update(pending.map((tx, i) => ({ hash: tx.hash, ok: results[i]?.code === 0 })));
    pending.forEach((tx, index) => {
      const waiters = this.#txWaiters.get(tx.hash);
      if (!waiters) return;
      this.#txWaiters.delete(tx.hash);
      for (const resolve of waiters) resolve({ height, index, result: results[index] as TxResult });
    });
    for (const waiter of this.#heightWaiters) {
      if (waiter.height <= height) {
        this.#heightWaiters.delete(waiter);
        waiter.resolve();
      }
    }
    // Snapshot every N blocks, spaced out further when writing takes long (≤ ~5% of the time).
    const every = Math.max(this.#snapshotEvery, Math.ceil((20 * this.#lastSnapshotMs) / this.blockMs));
    if (this.#dataDir && height - this.#lastSnapshotHeight >= every) this.#saveInBackground();
    return block;
  }

  /** `broadcast_tx_*`: mempool checks (throwing `MempoolError`), then CheckTx; valid txs wait for the next block. */
  broadcast(bytes: Uint8Array): BroadcastOutcome {
    const tx: PendingTx = { bytes, hash: txHash(bytes) };
    this.mempool.precheck(tx);
    const result = this.app.checkTx(bytes, tx.hash);
    this.mempool.afterCheck(tx, result.code === 0);
    return { hash: tx.hash, result };
  }

  /** Resolves when the tx is in a block (undefined after `timeoutMs`). */
  waitForTx(hash: string, timeoutMs: number): Promise<Inclusion | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const list = this.#txWaiters.get(hash);
        if (list) {
          const rest = list.filter((w) => w !== done);
          if (rest.length > 0) this.#txWaiters.set(hash, rest);
          else this.#txWaiters.delete(hash);
        }
        resolve(undefined);
      }, timeoutMs);
      timer.unref();
      const done = (inclusion: Inclusion | undefined) => {
        clearTimeout(timer);
        resolve(inclusion);
      };
      const list = this.#txWaiters.get(hash) ?? [];
      list.push(done);
      this.#txWaiters.set(hash, list);
    });
  }

  waitForHeight(height: number): Promise<void> {
    if (this.blocks.height >= height) return Promise.resolve();
    return new Promise((resolve) => {
      this.#heightWaiters.add({ height, resolve });
    });
  }

  snapshot(): Snapshot {
    return {
      format: SNAPSHOT_FORMAT,
      chainId: this.app.chainId,
      genesisHash: this.#genesisHash,
      height: this.app.lastHeight,
      genesisAppHash: upperHex(this.#genesisAppHash),
      appHash: upperHex(this.app.lastAppHash),
      blockTime: this.app.lastBlockTime,
      store: this.app.store.dump(),
      blocks: this.blocks.all().map(blockToStored),
    };
  }

  #saveInBackground(): void {
    const dataDir = this.#dataDir;
    if (!dataDir) return;
    if (this.#snapshotWrite) {
      this.#snapshotPending = true;
      return;
    }
    const began = performance.now();
    const snapshot = this.snapshot();
    this.#lastSnapshotHeight = snapshot.height;
    this.#snapshotWrite = writeSnapshot(dataDir, snapshot)
      .then(() => {
        this.#lastSnapshotMs = performance.now() - began;
      })
      .catch((error: unknown) => this.#log(`devnet: snapshot write failed: ${error}`))
      .finally(() => {
        this.#snapshotWrite = undefined;
        if (this.#snapshotPending && this.#running) {
          this.#snapshotPending = false;
          this.#saveInBackground();
        }
      });
  }
}
