/** @module The BTC-finality rule (pure): decisions over injected L2, contract and power-table sources. */
export { decideBlock } from "./decide-block.ts";
export { BlocksNotConsecutiveError, InvalidFinalityConfigError } from "./errors.ts";
export { nextGridHeight, resolveConfig } from "./grid.ts";
export { longestFinalizedPrefix } from "./longest-finalized-prefix.ts";
export { countQuorum } from "./quorum.ts";
export {
  type BlockId,
  type BlockRef,
  type CountedVoter,
  DEFAULT_MAX_GRID_STEPS,
  DEFAULT_QUORUM,
  type Decision,
  type FinalityConfig,
  type FinalitySources,
  type FinalityStatus,
  type Hex,
  type PowerTable,
  type Quorum,
  type QuorumRatio,
  type Voter,
} from "./types.ts";
