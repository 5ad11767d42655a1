/** @module The finality rule for one block (DESIGN.md "The finality rule", rules 1–6). Pure over injected sources. */
import { createContext, type DecisionContext, lower, tipCovers } from "./context.ts";
import { nextGridHeight, resolveConfig } from "./grid.ts";
import { countQuorum } from "./quorum.ts";
import type {
  BlockId,
  BlockRef,
  CountedVoter,
  Decision,
  FinalityConfig,
  FinalitySources,
  Quorum,
} from "./types.ts";

const TIP_REASON = "at or below the finalized tip";

/** Grid ancestors looked up concurrently per round while walking the chain rule back. */
const ANCESTOR_WINDOW = 8;

/**
 * Decides whether `target` (a height **and** hash) is BTC-finalized.
 *
 * - Hash ≠ canonical hash at that height (or no block there) → `not_canonical`.
 * - Height < activation → `before_activation` (never finalized).
 * - Canonical and at or below a canonical `finalizedTip` → `finalized` without walking back; the deciding grid
 *   block's votes and power are still read and carried as evidence (unless `evidence: false`), so every finalized
 *   answer can be checked on its own.
 * - Otherwise the grid block `g` deciding it (itself, or the next grid height, whose parent-hash
 *   chain must reach `target`) needs quorum, and every previous grid block `g − I, g − 2I, …` down to
 *   the first grid height (or the tip) needs quorum too; the walk stops after `maxGridSteps` steps
 *   with `pending`. Total power 0 at `g` → `no_voting_power`.
 *
 * Source failures propagate (fail closed); the rule never answers from partial data.
 */
export async function decideBlock(
  sources: FinalitySources,
  config: FinalityConfig,
  target: BlockId,
): Promise<Decision> {
  return decideInContext(createContext(sources, resolveConfig(config)), target);
}

export type DecideOptions = {
  /** Read the deciding grid block's votes for blocks the tip already covers (default true). */
  readonly evidence?: boolean;
};

export async function decideInContext(
  ctx: DecisionContext,
  target: BlockId,
  { evidence = true }: DecideOptions = {},
): Promise<Decision> {
  const { config, sources } = ctx;
  const asked: BlockId = { ...target, hash: lower(target.hash) };
  const canonical = await sources.block(asked.number);
  if (!canonical || canonical.hash !== asked.hash) {
    return empty(asked, "not_canonical", null, {
      reason: canonical
        ? `block ${asked.number} on the canonical chain is ${canonical.hash}`
        : `the canonical chain has no block ${asked.number}`,
    });
  }
  if (canonical.number < config.activationHeight) {
    return empty(canonical, "before_activation", null, {
      reason: `below activation height ${config.activationHeight}`,
    });
  }
  const gridHeight = nextGridHeight(config, canonical.number);
  const covered = await tipCovers(ctx, canonical.number);
  const byTip = { ...empty(canonical, "finalized", gridHeight), reason: TIP_REASON };
  if (covered && !evidence) return byTip;

  let grid: BlockRef = canonical;
  if (gridHeight !== canonical.number) {
    const g = await sources.block(gridHeight);
    // Below a canonical tip the grid block exists; should the chain move under us, the tip still decides.
    if (!g) {
      return covered
        ? byTip
        : empty(canonical, "pending", gridHeight, { reason: `grid block ${gridHeight} not produced yet` });
    }
    if (!(await linksDownTo(ctx, g, canonical))) {
      return covered
        ? byTip
        : empty(canonical, "pending", gridHeight, {
            reason: "the L2 chain changed while it was read; retry",
          });
    }
    grid = g;
  }

  const own = await evaluate(ctx, grid);
  const base = {
    block: canonical,
    gridBlock: { number: grid.number, hash: grid.hash, timestamp: grid.timestamp },
    gridHeight,
    btcHeight: own.btcHeight,
    quorum: own.quorum,
    voters: own.voters,
  };
  if (covered) {
    // Finality is irreversible: the tip proved it. Power is recomputed from today's Babylon state, so after a
    // later unbonding or slashing this evidence may fall short of quorum; say so rather than hide it.
    const reason = own.quorum.reached
      ? TIP_REASON
      : `${TIP_REASON}; today's recomputed power is below quorum`;
    return { ...base, finalized: true, status: "finalized", reason };
  }
  if (own.quorum.totalPower === 0n) {
    return {
      ...base,
      finalized: false,
      status: "no_voting_power",
      reason: `no voting power at BTC height ${own.btcHeight}`,
    };
  }
  if (!own.quorum.reached) {
    return {
      ...base,
      finalized: false,
      status: "pending",
      reason: `quorum not reached at grid height ${gridHeight}`,
    };
  }
  const chain = await previousGridsFinalized(ctx, grid);
  if (chain.ok) return { ...base, finalized: true, status: "finalized" };
  return { ...base, finalized: false, status: "pending", reason: chain.reason };
}

/** Whether `from`'s parent-hash chain reaches `to` (both canonical by number; checks each link by hash). */
async function linksDownTo(ctx: DecisionContext, from: BlockRef, to: BlockRef): Promise<boolean> {
  let expected = from.parentHash;
  for (let n = from.number - 1n; n > to.number; n--) {
    const b = await ctx.sources.block(n);
    if (!b || b.hash !== expected) return false;
    expected = b.parentHash;
  }
  return expected === to.hash;
}

type Evaluation = { quorum: Quorum; voters: CountedVoter[]; btcHeight: bigint };

async function evaluate(ctx: DecisionContext, block: BlockRef): Promise<Evaluation> {
  const [votes, table] = await Promise.all([
    ctx.sources.votes(block.number, block.hash),
    ctx.sources.powerAt(block.timestamp),
  ]);
  return { ...countQuorum(votes, table, ctx.config.quorum), btcHeight: table.btcHeight };
}

/**
 * Rule 3, iteratively: every grid ancestor of `grid` down to the first grid height has quorum, or
 * the walk reaches the trusted tip. Ancestors are read in windows of {@link ANCESTOR_WINDOW}.
 */
async function previousGridsFinalized(
  ctx: DecisionContext,
  grid: BlockRef,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const { activationHeight: a, interval, maxGridSteps } = ctx.config;
  let child = grid;
  let steps = 0;
  while (child.number - interval >= a) {
    const heights: bigint[] = [];
    for (let p = child.number - interval; p >= a && heights.length < ANCESTOR_WINDOW; p -= interval) {
      if (steps + heights.length >= maxGridSteps) break;
      if (await tipCovers(ctx, p)) break;
      heights.push(p);
    }
    if (heights.length === 0) {
      const p = child.number - interval;
      if (await tipCovers(ctx, p)) return { ok: true };
      return { ok: false, reason: "ancestry too deep to decide; wait for the tip to advance" };
    }
    const blocks = await Promise.all(heights.map((h) => ctx.sources.block(h)));
    const evaluations = await Promise.all(blocks.map((b) => (b ? evaluate(ctx, b) : null)));
    for (let i = 0; i < heights.length; i++) {
      const block = blocks[i];
      const ev = evaluations[i];
      if (!block || !ev) return { ok: false, reason: "the L2 chain changed while it was read; retry" };
      if (block.number === child.number - 1n && child.parentHash !== block.hash)
        return { ok: false, reason: "the L2 chain changed while it was read; retry" };
      if (!ev.quorum.reached) {
        const why = ev.quorum.totalPower === 0n ? "has no voting power" : "has no quorum";
        return { ok: false, reason: `previous grid block ${block.number} (${block.hash}) ${why}` };
      }
      child = block;
      steps++;
    }
  }
  return { ok: true };
}

function empty(
  block: BlockRef | BlockId,
  status: Decision["status"],
  gridHeight: bigint | null,
  extra: { reason?: string } = {},
): Decision {
  return {
    block,
    gridBlock: null,
    finalized: status === "finalized",
    status,
    gridHeight,
    btcHeight: null,
    quorum: null,
    voters: [],
    ...extra,
  };
}
