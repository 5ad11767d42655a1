/** @module Inputs and outputs of the finality rule. Pure data; no I/O. */
import type { BlockRef, Hex } from "../l2/types.ts";

export type { BlockRef, Hex };

/** A block named by identity only (what a caller asks about). */
export type BlockId = { readonly number: bigint; readonly hash: Hex };

/** One vote as the finality contract's `block_voters` lists it (hex strings, lower case, no `0x`). */
export type Voter = {
  readonly fpBtcPk: string;
  readonly pubRand: string;
  readonly signature: string;
};

/**
 * Voting power at one BTC height: FP BTC public key (hex) → power in satoshis. Slashed or jailed FPs
 * have power 0 or are absent; the total is the sum of all entries.
 */
export type PowerTable = {
  readonly btcHeight: bigint;
  readonly power: ReadonlyMap<string, bigint>;
};

/** Where the rule reads its facts from; each member is one kind of look-up (cache or network behind it). */
export type FinalitySources = {
  /** The canonical L2 block at `number`, or `null` when the chain is not that tall. */
  block(number: bigint): Promise<BlockRef | null>;
  /** The contract's `block_voters{height, hash_hex}` (empty when none). */
  votes(height: bigint, hash: Hex): Promise<readonly Voter[]>;
  /** The power table at the BTC height of this L2 timestamp (highest header ≤ timestamp, clamped to the tip). */
  powerAt(timestamp: bigint): Promise<PowerTable>;
  /** A known BTC-finalized grid block, trusted: every canonical block at or below it is finalized. */
  finalizedTip?: BlockId | null;
};

export type QuorumRatio = { readonly numerator: bigint; readonly denominator: bigint };

export type FinalityConfig = {
  /** Contract `bsn_activation_height` (A). */
  readonly activationHeight: bigint;
  /** Contract `finality_signature_interval` (I ≥ 1). */
  readonly interval: bigint;
  /** Quorum: reached iff `voted · denominator ≥ total · numerator` (default 2/3). */
  readonly quorum?: QuorumRatio;
  /** Most grid steps walked back before giving up with a pending answer (default 64). */
  readonly maxGridSteps?: number;
};

export const DEFAULT_QUORUM: QuorumRatio = { numerator: 2n, denominator: 3n };
export const DEFAULT_MAX_GRID_STEPS = 64;

export type Quorum = {
  readonly votedPower: bigint;
  readonly totalPower: bigint;
  /** Least voted power that reaches quorum: `ceil(total · num / den)`. */
  readonly threshold: bigint;
  readonly reached: boolean;
};

/** A vote with the power it carried (0 for an FP that is unknown, slashed or without active stake). */
export type CountedVoter = Voter & { readonly power: bigint };

/** Closed set of answers. */
export type FinalityStatus =
  | "finalized"
  | "pending"
  | "before_activation"
  | "no_voting_power"
  | "not_canonical";

export type Decision = {
  /** The block asked about: the canonical ref when the hash is canonical, else the id as asked. */
  readonly block: BlockRef | BlockId;
  readonly finalized: boolean;
  readonly status: FinalityStatus;
  /**
   * The grid block whose votes decide this block (itself on the grid, else the next grid block, whose parent-hash
   * chain reaches it): the block the voters signed. `null` when no votes were read.
   */
  readonly gridBlock: { readonly number: bigint; readonly hash: Hex; readonly timestamp: bigint } | null;
  /** The grid height whose votes decide this block (`null` before activation or when not canonical). */
  readonly gridHeight: bigint | null;
  /** BTC height of the power table used at `gridHeight` (`null` when no quorum was computed). */
  readonly btcHeight: bigint | null;
  /** Quorum at `gridHeight` (`null` when not computed: below activation, not canonical, not produced yet). */
  readonly quorum: Quorum | null;
  /** Votes for the grid block's hash, with their power. */
  readonly voters: readonly CountedVoter[];
  readonly reason?: string;
};
