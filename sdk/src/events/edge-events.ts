/**
 * @module The events of the edge's stream (`GET /v1/chains/{chain}/events`) as `watchEvents` hands them over. The
 * route is not in the OpenAPI document (an event stream is no JSON answer), so these types are written here, to the
 * edge's contract: `finalized` once for every L2 height as the finalized tip passes it, in order; `equivocation` when
 * a finality provider signed two blocks at one height; `slashed` when Babylon slashed one of the chain's FPs;
 * `resync` when the stream could not resume where asked (its log no longer reaches back that far).
 */
import type { L2Block } from "../types.ts";

/** The event types a subscription can ask for (`resync` always comes when it applies). */
export type EdgeEventType = "finalized" | "equivocation" | "slashed";
export const EDGE_EVENT_TYPES: readonly EdgeEventType[] = ["finalized", "equivocation", "slashed"];

/** Height `data.number` is BTC-finalized. `id` is that height. */
export type FinalizedEvent = { type: "finalized"; id: string; data: L2Block };

/** An FP signed two blocks at `height`. `id` is `<finalized tip height>:<seq>`. */
export type EquivocationEvent = {
  type: "equivocation";
  id: string;
  data: {
    fpBtcPkHex: string;
    height: number;
    /** `edge`: the edge accepted the second vote; `babylon`: Babylon recorded the evidence. */
    source: "edge" | "babylon";
    /** The edge's submission that carried the second vote (source `edge`). */
    submissionId?: string | undefined;
  };
};

/** Babylon slashed an FP of the chain's BSN. `id` is `<finalized tip height>:<seq>`. */
export type SlashedEvent = {
  type: "slashed";
  id: string;
  data: { fpBtcPkHex: string; babylonHeight: number | null; btcHeight: number | null };
};

/**
 * The stream could not resume where this subscription stood: events before `oldest` are gone from the edge's log.
 * Fill the gap through the block and range API (finalized heights) and `getEquivocation` (evidence); the stream
 * goes on from the oldest event it still has. `tip` is the finalized tip at that moment.
 */
export type ResyncEvent = { type: "resync"; data: { oldest: number; tip: L2Block | null } };

export type EdgeEvent = FinalizedEvent | EquivocationEvent | SlashedEvent | ResyncEvent;

export type WatchEventsOptions = {
  /** Only these types (default: all three); `resync` comes regardless. */
  types?: readonly EdgeEventType[] | undefined;
  /**
   * The first finalized height wanted: the stream resumes right after the `finalized` event of `fromHeight − 1`, so
   * the equivocations and slashings logged after it come too. Default: from now on.
   */
  fromHeight?: number | bigint | undefined;
  signal?: AbortSignal | undefined;
  /**
   * The connection failing (it reconnects, resuming where it stood), a malformed event (skipped), `onEvent`
   * throwing — and, once, the edge's answer when it has no event stream (then nothing more is delivered).
   */
  onError?: ((error: unknown) => void) | undefined;
};
