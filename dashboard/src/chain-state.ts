/**
 * @module What the page knows of one chain, merged from its three sources: `status` polls, `finalized` events
 * and `finality-providers` polls. The finalized tip only moves forward, whichever source is fresher (a poll
 * answered from a cache may be older than the stream).
 */
import type { BlockRef, ChainStatus, FinalizedEvent, ProvidersAnswer } from "./types.ts";

export type LiveMode = "connecting" | "sse" | "polling";

export type ChainState = {
  id: string;
  head: BlockRef | null;
  tip: BlockRef | null;
  /** As of the last `status` (head and tip of one snapshot): the stream's fresher tip would pair with a stale head. */
  lag: { blocks: number; seconds: number } | null;
  btcHeight: number | null;
  totalPower: string | null;
  fpCount: number | null;
  live: LiveMode;
  providers: ProvidersAnswer | null;
};

export function emptyChainState(id: string): ChainState {
  return {
    id,
    head: null,
    tip: null,
    lag: null,
    btcHeight: null,
    totalPower: null,
    fpCount: null,
    live: "connecting",
    providers: null,
  };
}

/** True when the tip moved. */
export function applyFinalized(state: ChainState, event: FinalizedEvent): boolean {
  if (state.tip && event.number <= state.tip.number) return false;
  state.tip = { number: event.number, hash: event.hash, timestamp: event.timestamp };
  return true;
}

/** True when the tip moved. */
export function applyStatus(state: ChainState, status: ChainStatus): boolean {
  if (!state.head || status.l2Head.number >= state.head.number) state.head = status.l2Head;
  state.totalPower = status.totalPower;
  state.fpCount = status.fpCount;
  const moved = status.finalizedTip !== null && applyFinalized(state, status.finalizedTip);
  state.lag = status.lag;
  return moved;
}

export function applyProviders(state: ChainState, providers: ProvidersAnswer): void {
  state.providers = providers;
  state.btcHeight = providers.btcHeight;
  state.totalPower = providers.totalPower;
}
