/**
 * @module CometBFT's CList mempool as the RPC sees it: size limits, the seen-tx cache (LRU of
 * 10 000; committed valid txs stay in it, so re-broadcasting the same bytes answers "tx already
 * exists in cache"; txs failing CheckTx or DeliverTx are dropped from it), and FIFO reaping.
 */

export class MempoolError extends Error {
  override name = "MempoolError";
}

export const MEMPOOL_LIMITS = {
  cacheSize: 10_000,
  maxTxs: 5000,
  maxTxsBytes: 1_073_741_824,
  maxTxBytes: 1_048_576,
} as const;

export type PendingTx = { bytes: Uint8Array; hash: string };

export class Mempool {
  readonly #txs: PendingTx[] = [];
  #bytes = 0;
  /** Insertion-ordered set used as an LRU. */
  readonly #cache = new Set<string>();

  get size(): number {
    return this.#txs.length;
  }
  get totalBytes(): number {
    return this.#bytes;
  }
  pending(): readonly PendingTx[] {
    return this.#txs;
  }

  /** The checks before CheckTx; throws `MempoolError` with CometBFT's text. Adds the tx to the cache. */
  precheck(tx: PendingTx): void {
    if (
      this.#txs.length >= MEMPOOL_LIMITS.maxTxs ||
      this.#bytes + tx.bytes.length > MEMPOOL_LIMITS.maxTxsBytes
    ) {
      throw new MempoolError(
        `mempool is full: number of txs ${this.#txs.length} (max: ${MEMPOOL_LIMITS.maxTxs}), total txs bytes ${this.#bytes} (max: ${MEMPOOL_LIMITS.maxTxsBytes})`,
      );
    }
    if (tx.bytes.length > MEMPOOL_LIMITS.maxTxBytes) {
      throw new MempoolError(
        `Tx too large. Max size is ${MEMPOOL_LIMITS.maxTxBytes}, but got ${tx.bytes.length}`,
      );
    }
    if (this.#cache.has(tx.hash)) throw new MempoolError("tx already exists in cache");
    this.#cache.add(tx.hash);
    if (this.#cache.size > MEMPOOL_LIMITS.cacheSize) {
      const oldest = this.#cache.values().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
  }

  /** After CheckTx: keep a valid tx, forget an invalid one. */
  afterCheck(tx: PendingTx, ok: boolean): void {
    if (ok) {
      this.#txs.push(tx);
      this.#bytes += tx.bytes.length;
    } else {
      this.#cache.delete(tx.hash);
    }
  }

  /** Takes txs for the next block, FIFO, up to `maxBytes`. */
  reap(maxBytes: number): PendingTx[] {
    let bytes = 0;
    let count = 0;
    for (const tx of this.#txs) {
      if (bytes + tx.bytes.length > maxBytes) break;
      bytes += tx.bytes.length;
      count++;
    }
    const taken = this.#txs.splice(0, count);
    this.#bytes -= bytes;
    return taken;
  }

  /** After the block: committed valid txs stay cached, failed ones may be resubmitted. */
  update(results: ReadonlyArray<{ hash: string; ok: boolean }>): void {
    for (const { hash, ok } of results) if (!ok) this.#cache.delete(hash);
  }
}
