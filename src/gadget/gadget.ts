/**
 * @module The finality gadget's questions answered from the edge (through the SDK's client): what op-node's
 * finalizer asks over gRPC and what the gadget's HTTP routes answer, with the reference's field names and texts.
 * Every "finalized" comes from an edge answer that proved it; what the edge cannot answer is an `unavailable`
 * error, never a `false` or a `0` that op-node could act on. Differences from the reference: hashes are checked
 * (a reorged block is not finalized), and a range answers its longest finalized prefix.
 */
import { type BlockId, type FinalityClient, NotFoundError } from "../../sdk/src/index.ts";
import { GadgetError, NOT_ACTIVATED_TEXT } from "./errors.ts";
import { fromEdgeError } from "./from-edge-error.ts";

/** A block as the gadget's protocol names it (uint64 fields as bigint). */
export type GadgetBlockInfo = { blockHash: string; blockHeight: bigint; blockTimestamp: bigint };

export type GadgetEdge = Pick<
  FinalityClient,
  "getBlockFinality" | "getFinalizedPrefix" | "getStatus" | "getTxFinality"
>;

export type TransactionStatus = "pending" | "safe" | "btc finalized" | "finalized";

/** `GET /v1/transaction`, with the reference's field names (`blockHash` without `0x`, `txHash` with it). */
export type TransactionInfo = {
  txHash: string;
  blockHash: string;
  status: TransactionStatus;
  blockTimestamp: number;
  blockHeight: number;
  babylonFinalized: boolean;
};

/** `GET /v1/chainSyncStatus`, with the reference's snake_case field names. */
export type ChainSyncStatus = {
  latest_block: number;
  latest_btc_finalized_block: number;
  earliest_btc_finalized_block: number;
  latest_eth_finalized_block: number;
};

export type GadgetOptions = {
  /** How long a known activation timestamp is reused (it never changes once known). Default 60 s. */
  activationCacheMs?: number;
  /** The L2 node's `safe` head, for the `safe` transaction status (optional: without it `safe` is never reported). */
  safeHead?: () => Promise<number>;
  now?: () => number;
};

export type Gadget = {
  isBlockBabylonFinalized(block: GadgetBlockInfo | undefined): Promise<boolean>;
  /** The last height of the longest finalized prefix of consecutive `blocks` (each checked by hash); 0 for none. */
  blockRangeBabylonFinalized(blocks: readonly GadgetBlockInfo[]): Promise<bigint>;
  btcStakingActivatedTimestamp(): Promise<bigint>;
  isBlockFinalizedByHeight(height: bigint): Promise<boolean>;
  isBlockFinalizedByHash(hash: string): Promise<boolean>;
  latestFinalizedBlock(): Promise<GadgetBlockInfo>;
  transaction(hash: string): Promise<TransactionInfo>;
  chainSyncStatus(): Promise<ChainSyncStatus>;
};

const HASH = /^(0x)?[0-9a-fA-F]{64}$/;

/** A 32-byte block hash, `0x` optional and any case (as the reference accepts), as lowercase `0x` hex. */
function blockHash(value: unknown, field: string): `0x${string}` {
  if (typeof value !== "string" || !HASH.test(value)) {
    throw new GadgetError("invalid_argument", `${field} must be a 32-byte hex block hash`, {
      field,
      details: `got ${JSON.stringify(value)?.slice(0, 80)}`,
    });
  }
  return `0x${value.replace(/^0x/, "").toLowerCase()}`;
}

function height(value: bigint, field: string): number {
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new GadgetError("invalid_argument", `${field} ${value} is out of range`, { field });
  }
  return Number(value);
}

export function createGadget(edge: GadgetEdge, options: GadgetOptions = {}): Gadget {
  const activationCacheMs = options.activationCacheMs ?? 60_000;
  const now = options.now ?? Date.now;
  let activation: { value: bigint; at: number } | undefined;

  /** A block's finality by height or hash; a block the edge does not know is not finalized. */
  async function finalityOf(id: BlockId, what: string) {
    try {
      return await edge.getBlockFinality(id);
    } catch (error) {
      if (error instanceof NotFoundError && error.code === "block_not_found") return null;
      throw fromEdgeError(error, what);
    }
  }

  async function status(what: string) {
    try {
      return await edge.getStatus();
    } catch (error) {
      throw fromEdgeError(error, what);
    }
  }

  return {
    async isBlockBabylonFinalized(block) {
      if (block === undefined)
        throw new GadgetError("invalid_argument", "block is required", { field: "block" });
      const hash = blockHash(block.blockHash, "block.block_hash");
      const number = height(block.blockHeight, "block.block_height");
      const answer = await finalityOf(hash, "QueryIsBlockBabylonFinalized");
      // Another block at that height (a reorg) is not the block asked about.
      return answer !== null && answer.block.number === number && answer.finalized;
    },

    async blockRangeBabylonFinalized(blocks) {
      if (blocks.length === 0)
        throw new GadgetError("invalid_argument", "blocks array is empty", { field: "blocks" });
      const refs = blocks.map((b, i) => ({
        number: height(b.blockHeight, `blocks[${i}].block_height`),
        hash: blockHash(b.blockHash, `blocks[${i}].block_hash`),
      }));
      refs.forEach((b, i) => {
        const first = refs[0] as (typeof refs)[number];
        if (b.number !== first.number + i) {
          throw new GadgetError("invalid_argument", "blocks are not consecutive", {
            field: `blocks[${i}].block_height`,
            details: `blocks[${i}] has height ${b.number}, expected ${first.number + i}`,
          });
        }
      });
      try {
        const last = await edge.getFinalizedPrefix(refs);
        return last === null ? 0n : BigInt(last.number);
      } catch (error) {
        throw fromEdgeError(error, "QueryBlockRangeBabylonFinalized");
      }
    },

    async btcStakingActivatedTimestamp() {
      if (activation && now() - activation.at < activationCacheMs) return activation.value;
      const s = await status("QueryBtcStakingActivatedTimestamp");
      const btcTimestamp = s.activation.btcStakingActivatedAt;
      if (btcTimestamp === null) throw new GadgetError("not_activated", NOT_ACTIVATED_TEXT);
      // Blocks below the contract's activation height can never be BTC-finalized: activation is the later time.
      const first = await finalityOf(s.activation.height, "QueryBtcStakingActivatedTimestamp");
      if (first === null || first.block.timestamp === null) {
        throw new GadgetError(
          "not_activated",
          `${NOT_ACTIVATED_TEXT}: the L2 has not reached height ${s.activation.height}`,
        );
      }
      const value = BigInt(Math.max(btcTimestamp, first.block.timestamp));
      activation = { value, at: now() };
      return value;
    },

    async isBlockFinalizedByHeight(blockHeight) {
      const answer = await finalityOf(height(blockHeight, "block_height"), "QueryIsBlockFinalizedByHeight");
      return answer?.finalized ?? false;
    },

    async isBlockFinalizedByHash(hash) {
      const answer = await finalityOf(blockHash(hash, "block_hash"), "QueryIsBlockFinalizedByHash");
      return answer?.finalized ?? false;
    },

    async latestFinalizedBlock() {
      const tip = (await status("QueryLatestFinalizedBlock")).finalizedTip;
      if (tip === null) throw new GadgetError("not_found", "block not found");
      return {
        blockHash: tip.hash.toLowerCase(),
        blockHeight: BigInt(tip.number),
        blockTimestamp: BigInt(tip.timestamp),
      };
    },

    async transaction(hash) {
      if (typeof hash !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(hash)) {
        throw new GadgetError("invalid_argument", "invalid EVM transaction hash", { field: "hash" });
      }
      let tx: Awaited<ReturnType<GadgetEdge["getTxFinality"]>>;
      try {
        tx = await edge.getTxFinality(hash as `0x${string}`);
      } catch (error) {
        if (error instanceof NotFoundError)
          throw new GadgetError("not_found", "not found", { field: "hash" });
        throw fromEdgeError(error, "transaction");
      }
      if (tx.block === null)
        throw new GadgetError("not_found", "not found", { field: "hash", details: "pending" });
      const block = tx.block;
      const [ethFinalized, safe] = await Promise.all([
        finalityOf("finalized", "transaction").then((a) => a?.block.number ?? -1),
        options.safeHead ? options.safeHead().catch(() => -1) : Promise.resolve(-1),
      ]);
      const state: TransactionStatus =
        ethFinalized >= block.number
          ? "finalized"
          : tx.finalized
            ? "btc finalized"
            : safe >= block.number
              ? "safe"
              : "pending";
      return {
        txHash: hash.toLowerCase(),
        blockHash: block.hash.replace(/^0x/, "").toLowerCase(),
        status: state,
        blockTimestamp: block.timestamp ?? 0,
        blockHeight: block.number,
        // Only what Babylon's votes prove (the reference also says true for a block that is merely L1-finalized).
        babylonFinalized: tx.finalized,
      };
    },

    async chainSyncStatus() {
      const s = await status("chainSyncStatus");
      if (s.finalizedTip === null) throw new GadgetError("not_found", "block not found");
      const ethFinalized = await finalityOf("finalized", "chainSyncStatus");
      return {
        latest_block: s.l2Head.number,
        latest_btc_finalized_block: s.finalizedTip.number,
        earliest_btc_finalized_block: s.activation.height,
        latest_eth_finalized_block: ethFinalized?.block.number ?? 0,
      };
    },
  };
}
