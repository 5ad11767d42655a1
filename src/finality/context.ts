/** @module Per-call state of the rule: memoized sources, resolved config and the trusted tip. */
import type { ResolvedConfig } from "./grid.ts";
import type { BlockId, BlockRef, FinalitySources, Hex, PowerTable, Voter } from "./types.ts";

/** Read-only view of the sources with every look-up memoized for the duration of one decision. */
export type MemoSources = {
  block(number: bigint): Promise<BlockRef | null>;
  votes(height: bigint, hash: Hex): Promise<readonly Voter[]>;
  powerAt(timestamp: bigint): Promise<PowerTable>;
};

export type DecisionContext = {
  readonly config: ResolvedConfig;
  readonly sources: MemoSources;
  /** The trusted finalized tip; `canonical` is resolved lazily (one `block(tip.number)` look-up). */
  tip: { readonly id: BlockId; canonical: Promise<boolean> | null } | null;
};

export function memoize(sources: FinalitySources): MemoSources {
  const blocks = new Map<bigint, Promise<BlockRef | null>>();
  const votes = new Map<string, Promise<readonly Voter[]>>();
  const powers = new Map<bigint, Promise<PowerTable>>();
  return {
    block(number) {
      let hit = blocks.get(number);
      if (!hit) {
        hit = sources.block(number).then((b) => (b ? normalizeRef(b) : null));
        blocks.set(number, hit);
      }
      return hit;
    },
    votes(height, hash) {
      const key = `${height}/${hash}`;
      let hit = votes.get(key);
      if (!hit) {
        hit = sources.votes(height, hash);
        votes.set(key, hit);
      }
      return hit;
    },
    powerAt(timestamp) {
      let hit = powers.get(timestamp);
      if (!hit) {
        hit = sources.powerAt(timestamp);
        powers.set(timestamp, hit);
      }
      return hit;
    },
  };
}

export function createContext(sources: FinalitySources, config: ResolvedConfig): DecisionContext {
  const tip = sources.finalizedTip;
  return {
    config,
    sources: memoize(sources),
    tip: tip ? { id: { number: tip.number, hash: lower(tip.hash) }, canonical: null } : null,
  };
}

/** Whether the canonical block at `height` is covered by the trusted tip (tip canonical and height ≤ tip). */
export async function tipCovers(ctx: DecisionContext, height: bigint): Promise<boolean> {
  const tip = ctx.tip;
  if (!tip || height > tip.id.number) return false;
  tip.canonical ??= ctx.sources.block(tip.id.number).then((b) => b !== null && b.hash === tip.id.hash);
  return tip.canonical;
}

export function lower(hash: Hex): Hex {
  return hash.toLowerCase() as Hex;
}

function normalizeRef(b: BlockRef): BlockRef {
  return { number: b.number, hash: lower(b.hash), parentHash: lower(b.parentHash), timestamp: b.timestamp };
}
