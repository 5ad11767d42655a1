/**
 * @module The block store and tx index: every committed block with its header fields, txs, results
 * and commit, kept for the devnet's lifetime (and in the snapshot); lookups by height, block hash and
 * tx hash. Also builds each new block's header from the previous one.
 */

import { base64ToBytes, bytesToBase64, hexToBytes, merkleRoot } from "../../../src/crypto/index.ts";
import type { TxResult } from "./app.ts";
import { sha256, type Timestamp, upperHex } from "./encoding.ts";
import {
  type BlockId,
  consensusHash,
  dataHash,
  type HeaderFields,
  headerHash,
  resultsHash,
  type Validator,
} from "./header.ts";

export type CommitRecord = { height: number; blockId: BlockId; signature: Uint8Array; time: Timestamp };

export type BlockRecord = {
  header: HeaderFields;
  blockId: BlockId;
  txs: Uint8Array[];
  /** Uppercase hex sha256 of each tx. */
  txHashes: string[];
  results: TxResult[];
  /** App hash after executing this block (the next header carries it). */
  resultAppHash: Uint8Array;
  /** The commit of the previous block (`null` at height 1). */
  lastCommit: CommitRecord | null;
  /** This block's commit (what `commit` and the next block's `last_commit` show). */
  commit: CommitRecord;
  size: number;
};

export const txHash = (tx: Uint8Array): string => upperHex(sha256(tx));

export class BlockStore {
  readonly #blocks: BlockRecord[] = [];
  readonly #byHash = new Map<string, number>();
  readonly #txIndex = new Map<string, { height: number; index: number }>();

  get height(): number {
    return this.#blocks.at(-1)?.header.height ?? 0;
  }
  get base(): number {
    return this.#blocks[0]?.header.height ?? 0;
  }
  get latest(): BlockRecord | undefined {
    return this.#blocks.at(-1);
  }
  get(height: number): BlockRecord | undefined {
    const base = this.base;
    return base === 0 ? undefined : this.#blocks[height - base];
  }
  byHash(hashHex: string): BlockRecord | undefined {
    const height = this.#byHash.get(hashHex.toUpperCase());
    return height === undefined ? undefined : this.get(height);
  }
  tx(hashHex: string): { block: BlockRecord; index: number } | undefined {
    const location = this.#txIndex.get(hashHex.toUpperCase());
    if (!location) return undefined;
    const block = this.get(location.height);
    return block ? { block, index: location.index } : undefined;
  }
  /** Blocks in [from, to], ascending. */
  range(from: number, to: number): BlockRecord[] {
    const out: BlockRecord[] = [];
    for (let h = Math.max(from, this.base); h <= Math.min(to, this.height); h++) {
      const block = this.get(h);
      if (block) out.push(block);
    }
    return out;
  }
  add(block: BlockRecord): void {
    if (block.header.height !== this.height + 1 && this.#blocks.length > 0) {
      throw new Error(`block ${block.header.height} does not follow ${this.height}`);
    }
    this.#blocks.push(block);
    this.#byHash.set(upperHex(block.blockId.hash), block.header.height);
    block.txHashes.forEach((hash, index) => {
      this.#txIndex.set(hash, { height: block.header.height, index });
    });
  }
  /** All blocks, for the snapshot. */
  all(): readonly BlockRecord[] {
    return this.#blocks;
  }
}

/**
 * Header and id of the block at `height` following `previous` (undefined for height 1), with the
 * state's app hash before the block and the single validator's commit of `previous`.
 */
export function buildBlock(args: {
  chainId: string;
  height: number;
  time: Timestamp;
  /** Commit time of this block: when the next block will be timed. */
  commitTime: Timestamp;
  previous: BlockRecord | undefined;
  appHashBefore: Uint8Array;
  txs: Uint8Array[];
  txHashes: string[];
  results: TxResult[];
  resultAppHash: Uint8Array;
  validator: Validator;
  /** The commit signature when rebuilding a stored block (signed afresh otherwise). */
  signature?: Uint8Array;
}): BlockRecord {
  const { previous, validator } = args;
  const lastCommit = previous?.commit ?? null;
  const header: HeaderFields = {
    chainId: args.chainId,
    height: args.height,
    time: args.time,
    lastBlockId: previous?.blockId ?? null,
    lastCommitHash: lastCommit ? validator.commitHash(lastCommit.signature, lastCommit.time) : merkleRoot([]),
    dataHash: dataHash(args.txs),
    validatorsHash: validator.validatorsHash,
    nextValidatorsHash: validator.validatorsHash,
    consensusHash: consensusHash(),
    appHash: args.appHashBefore,
    lastResultsHash: resultsHash(previous?.results ?? []),
    evidenceHash: merkleRoot([]),
    proposerAddress: validator.address,
  };
  const hash = headerHash(header);
  const size = 1024 + args.txs.reduce((n, tx) => n + tx.length + 4, 0);
  // One block part; its hash is not the merkle root of the real proto-encoded block parts.
  const blockId: BlockId = { hash, partsTotal: 1, partsHash: merkleRoot([hash, header.dataHash]) };
  const commit: CommitRecord = {
    height: args.height,
    blockId,
    time: args.commitTime,
    signature: args.signature ?? validator.signPrecommit(args.chainId, args.height, blockId, args.commitTime),
  };
  return {
    header,
    blockId,
    txs: args.txs,
    txHashes: args.txHashes,
    results: args.results,
    resultAppHash: args.resultAppHash,
    lastCommit,
    commit,
    size,
  };
}

// --- snapshot form (JSON): what cannot be derived; headers, ids and hashes are rebuilt on load ---

type StoredResult = Omit<TxResult, "data"> & { data: string };

export type StoredBlock = {
  /** Block time and commit time as [ms, nanos]. */
  time: [number, number];
  commitTime: [number, number];
  txs: string[];
  results: StoredResult[];
  /** App hash after the block, hex. */
  appHash: string;
  /** The validator's commit signature, base64. */
  signature: string;
};

export function blockToStored(block: BlockRecord): StoredBlock {
  return {
    time: [block.header.time.ms, block.header.time.nanos],
    commitTime: [block.commit.time.ms, block.commit.time.nanos],
    txs: block.txs.map(bytesToBase64),
    results: block.results.map((r) => ({ ...r, data: bytesToBase64(r.data) })),
    appHash: upperHex(block.resultAppHash),
    signature: bytesToBase64(block.commit.signature),
  };
}

/** Rebuilds a block from its stored form and the previous block (or the genesis app hash at height 1). */
export function blockFromStored(
  stored: StoredBlock,
  context: {
    chainId: string;
    previous: BlockRecord | undefined;
    genesisAppHash: Uint8Array;
    validator: Validator;
  },
): BlockRecord {
  const txs = stored.txs.map((tx) => base64ToBytes(tx));
  return buildBlock({
    chainId: context.chainId,
    height: (context.previous?.header.height ?? 0) + 1,
    time: { ms: stored.time[0], nanos: stored.time[1] },
    commitTime: { ms: stored.commitTime[0], nanos: stored.commitTime[1] },
    previous: context.previous,
    appHashBefore: context.previous?.resultAppHash ?? context.genesisAppHash,
    txs,
    txHashes: txs.map(txHash),
    results: stored.results.map((r) => ({ ...r, data: base64ToBytes(r.data) })),
    resultAppHash: hexToBytes(stored.appHash),
    validator: context.validator,
    signature: base64ToBytes(stored.signature),
  });
}
