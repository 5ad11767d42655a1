/**
 * @module The verifier's public shapes: the edge's decision as JSON goes in, a list of named checks comes out.
 * Heights and timestamps are JSON numbers and satoshi amounts decimal strings, as the edge serves them.
 */
import type { BlockRef } from "../../../src/l2/types.ts";

/**
 * A block as the caller's L2 node gives it: `{number, hash, parentHash, timestamp}` (bigint number and unix
 * seconds) — the edge's L2 reader's `BlockRef`, named apart from the client's `{number, hash}` `BlockRef`.
 */
export type L2BlockHeader = BlockRef;

/** One voter of a decision: hex without `0x`, power in satoshi as a decimal string. */
export type DecisionVoter = {
  /** The FP's BIP-340 x-only key (32 bytes). */
  readonly fpBtcPk: string;
  readonly power: string;
  /** The EOTS nonce's public point (32 bytes x-only in practice). */
  readonly pubRand: string;
  /** The EOTS signature scalar (32 bytes). */
  readonly signature: string;
};

export type DecisionQuorum = {
  readonly votedPower: string;
  readonly totalPower: string;
  readonly threshold: string;
  readonly reached: boolean;
};

/**
 * The edge's answer of `GET /v1/chains/{chain}/blocks/{blockId}/finality` (`BlockFinality`), or of the tx route
 * (`TxFinality`: `txHash` added, `block` null while the transaction is pending). A value straight from
 * `JSON.parse` may be passed: every field is checked before it is used.
 */
export type FinalityDecision = {
  readonly chain: string;
  readonly block: {
    readonly number: number;
    readonly hash: string;
    readonly timestamp: number | null;
  } | null;
  readonly finalized: boolean;
  readonly status: string;
  readonly reason?: string;
  readonly gridHeight: number | null;
  /**
   * The grid block the voters signed (at `gridHeight`): the block itself on the grid, else the next grid block,
   * whose parent-hash chain reaches it. Absent or `null` in answers made before the edge named it.
   */
  readonly gridBlock?: { readonly number: number; readonly hash: string; readonly timestamp: number } | null;
  readonly btcHeight: number | null;
  readonly quorum: DecisionQuorum | null;
  readonly voters: readonly DecisionVoter[];
  readonly txHash?: string;
};

/** `voted · denominator ≥ total · numerator`; the chain registry (`GET /v1/chains`) lists each chain's. */
export type QuorumOption = { readonly numerator: number | bigint; readonly denominator: number | bigint };

/**
 * An L2 node the caller trusts, one look-up: the canonical block at `number`, or `null` past the head. The same
 * shape the edge's finality rule reads blocks through; {@link createL2BlockReader} builds one over JSON-RPC.
 */
export type L2BlockReader = { blockAt(number: bigint): Promise<L2BlockHeader | null> };

export type VerifyDecisionOptions = {
  /** The Babylon Genesis chain id (not the rollup's): part of the vote's signing context. */
  readonly babylonChainId: string;
  /** The finality contract's bech32 address: part of the vote's signing context. */
  readonly contractAddress: string;
  /** Default 2/3, the edge's default; pass the chain's ratio from `GET /v1/chains` when it differs. */
  readonly quorum?: QuorumOption;
  /** Votes signed with the empty context (deployments that predate signing contexts). */
  readonly emptySigningContext?: boolean;
  /** What the caller asked about: the answer must be about this block (by number and/or hash). */
  readonly expected?: { readonly number?: number; readonly hash?: string };
  /**
   * The contract's schedule (`bsn_activation_height`, `finality_signature_interval`), when the caller knows it:
   * then the grid height must be the first grid height at or above the block.
   */
  readonly schedule?: { readonly activationHeight: number; readonly interval: number };
  /**
   * Off-grid answers only: the hash of the grid block at `gridHeight`, from an L2 node the caller trusts; the
   * answer's `gridBlock` must be it. Passing it means the caller vouches for it and for the block being its
   * ancestor (needed for an older answer without `gridBlock`); pass `l2` instead to have both checked.
   */
  readonly gridBlockHash?: string;
  /**
   * An L2 node the caller trusts: the block must be canonical there, and an off-grid block the ancestor of the
   * grid block (parent-hash chain), which must be the answer's `gridBlock`; its timestamp is then the node's.
   * Without it, the grid block's canonicity and the ancestry are taken from the answer (listed in `trusts`).
   */
  readonly l2?: L2BlockReader;
};

export type VerifyWithBabylonOptions = VerifyDecisionOptions & {
  /** A CometBFT RPC of a Babylon node the caller chooses (not the edge's). */
  readonly babylonRpcUrl: string;
  /** The BSN the caller expects the contract to serve; checked against the contract's config when given. */
  readonly bsnId?: string;
  /** The `fetch` the Babylon RPC calls go through (default: the global one). */
  readonly fetch?: typeof fetch;
  /** Per-request timeout of the Babylon RPC calls, in milliseconds (default: none). */
  readonly timeoutMs?: number;
  /**
   * Grid blocks below the decision's to re-decide over Babylon and `l2` (required when > 0), so the rule's chain
   * condition is checked that far instead of trusted. Default 0. Each costs one vote and one power-table read
   * plus `interval` L2 blocks.
   */
  readonly previousGrids?: number;
};

/** Every check a verification can run, in the order they run. */
export type CheckName =
  | "shape"
  | "finalized-claim"
  | "evidence"
  | "block"
  | "grid"
  | "l2-block"
  | "signatures"
  | "distinct-voters"
  | "voted-power"
  | "quorum"
  | "contract"
  | "babylon-voters"
  | "btc-height"
  | "babylon-power"
  | "babylon-quorum"
  | "previous-grids";

/** One check that ran: `detail` says what was compared (on success too), so a log line tells the story. */
export type VerificationCheck = { readonly name: CheckName; readonly ok: boolean; readonly detail: string };

export type VerificationResult = {
  /**
   * True only when the answer claims finality and every check that ran passed: what a bridge acts on. A
   * pending (or otherwise unfinalized) answer is never valid, however consistent its evidence.
   */
  readonly valid: boolean;
  /** `"decision"`: {@link verifyDecision}; `"babylon"`: `verifyWithBabylon` (the decision's checks included). */
  readonly level: "decision" | "babylon";
  /** The block the answer is about (`null` when the answer names none, e.g. a pending transaction). */
  readonly block: { readonly number: number; readonly hash: string } | null;
  /**
   * The grid block whose votes were checked; `hash` is `null` for an older off-grid answer whose grid hash is
   * unknown (no `gridBlock`, and neither `gridBlockHash` nor `l2`).
   */
  readonly gridBlock: { readonly number: number; readonly hash: string | null } | null;
  readonly checks: readonly VerificationCheck[];
  /** The checks that failed (a subset of `checks`). */
  readonly failures: readonly VerificationCheck[];
  /** What a valid result still takes on trust: fixed per level, plus whatever the options left unchecked. */
  readonly trusts: readonly string[];
  /** Babylon's own count (level `"babylon"`, when it could be made): voted and total power at `btcHeight`. */
  readonly babylon?: {
    readonly btcHeight: number;
    readonly votedPower: string;
    readonly totalPower: string;
    readonly threshold: string;
    readonly reached: boolean;
    readonly voters: number;
  };
};
