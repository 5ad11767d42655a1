/** @module L2 (EVM rollup) reader over viem: block refs by number/hash/tag, ranges, parent-hash ancestry. */
export { createL2Client, type L2Client, type L2ClientOptions } from "./create-l2-client.ts";
export { BlockNotFoundError, InvalidBlockIdError, UpstreamUnavailableError } from "./errors.ts";
export { getBlockRef } from "./get-block-ref.ts";
export { type GetBlockRefsOptions, getBlockRefs } from "./get-block-refs.ts";
export { type IsAncestorArgs, isAncestor } from "./is-ancestor.ts";
export type { BlockId, BlockRef, BlockTag, Hex } from "./types.ts";
