/**
 * @module What the coordinator tells subscribers (the SSE stream and webhooks): one shape per event, the same in
 * both. `finalized` comes once for every L2 height as the finalized tip passes it (off-grid heights included, in
 * order); `equivocation` when an FP signed two blocks at one height (relayed by the edge or seen on Babylon);
 * `slashed` when Babylon slashed an FP of the chain's BSN.
 */

export type FinalizedEventData = { number: number; hash: `0x${string}`; timestamp: number };

export type EquivocationEventData = {
  fpBtcPkHex: string;
  height: number;
  /** `edge`: the edge accepted the second vote; `babylon`: Babylon recorded the evidence (relayed by anyone). */
  source: "edge" | "babylon";
  /** The edge's submission that carried the second vote (source `edge`). */
  submissionId?: string;
};

export type SlashedEventData = { fpBtcPkHex: string; babylonHeight: number | null; btcHeight: number | null };

export type ChainEvent =
  | { type: "finalized"; data: FinalizedEventData }
  | { type: "equivocation"; data: EquivocationEventData }
  | { type: "slashed"; data: SlashedEventData };

export type ChainEventType = ChainEvent["type"];
export const CHAIN_EVENT_TYPES: readonly ChainEventType[] = ["finalized", "equivocation", "slashed"];

/**
 * An event as logged: `seq` orders every event of the chain; `id` is what SSE sends as `id:` — the L2 height for
 * `finalized`, `<tip height>:<seq>` for the others — so `Last-Event-ID` resumes exactly after either kind.
 */
export type LoggedEvent = ChainEvent & { seq: number; id: string; chain: string; createdAt: number };

/** The JSON body of a webhook delivery (and the SSE `data:` is `data` alone). */
export type WebhookBody = {
  id: string;
  chain: string;
  type: ChainEventType;
  createdAt: number;
  data: ChainEvent["data"];
};

export function webhookBody(event: LoggedEvent): WebhookBody {
  return { id: event.id, chain: event.chain, type: event.type, createdAt: event.createdAt, data: event.data };
}
