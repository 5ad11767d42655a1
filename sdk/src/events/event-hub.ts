/**
 * @module One connection to the edge's event stream per client, shared by all of its subscriptions: opened by the
 * first, closed when the last one leaves. It reconnects after failures with back-off, resuming with the least
 * position any subscriber has seen (`Last-Event-ID`), so nothing is lost while it was down; each subscriber skips
 * what a replay brings that it has seen. A subscriber asking for older events than the connection stands at (or for
 * a type it does not carry) makes it reconnect from there at once. Subscribers are told when the stream goes down
 * and comes back (they may poll meanwhile). When the edge answers that it has no stream, it tells every
 * subscriber, and — with `fallback` — never tries again for this client.
 */
import { InvalidResponseError } from "../errors/index.ts";
import type { OpenStream } from "../transport/open-stream.ts";
import { sleep } from "../transport/sleep.ts";
import { connectStream } from "./connect-stream.ts";
import { decodeEvent } from "./decode-event.ts";
import { EDGE_EVENT_TYPES, type EdgeEvent, type EdgeEventType } from "./edge-events.ts";
import { reconnectDelay } from "./reconnect-delay.ts";
import type { SseMessage } from "./sse-parser.ts";
import {
  afterFinalized,
  comparePositions,
  minPosition,
  positionOfId,
  type StreamPosition,
} from "./stream-position.ts";
import type { Unsubscribe } from "./types.ts";

export type HubSubscriber = {
  readonly types: ReadonlySet<EdgeEventType>;
  /**
   * The last position this subscriber has seen: the hub moves it past every event it passes on (of any type) and
   * hands over only events after it. Undefined: whatever comes from now on (set to where the connection stands).
   */
  cursor: StreamPosition | undefined;
  /** Called synchronously while the stream is read: queue slow work, do not await it here. */
  onEvent(event: EdgeEvent): void;
  /** The connection failed or broke (the hub reconnects), or a malformed event was skipped. */
  onError(error: unknown): void;
  /** The edge has no event stream. With `fallback` the hub has dropped the subscriber: follow some other way. */
  onNoStream(error: unknown): void;
  /**
   * The stream went down (the hub reconnects in `reconnectInMs`, or sooner/later as attempts go), and came back: an
   * open connection again, resuming.
   */
  onDown?: ((reconnectInMs: number) => void) | undefined;
  onUp?: (() => void) | undefined;
};

export type EventHubOptions = {
  openStream: OpenStream;
  /** `/v1/chains/<chain>/events`. */
  path: string;
  /** An edge without a stream is final: tell subscribers once, then refuse new ones at once (they poll). */
  fallback: boolean;
  /** No bytes (heartbeats included) for this long: reconnect (default 45 000 ms; the edge beats every 15 s). */
  stallTimeoutMs?: number | undefined;
  /** First reconnect wait (default 1000 ms). */
  initialReconnectDelayMs?: number | undefined;
  /** Longest reconnect wait (default 30 000 ms). */
  maxReconnectDelayMs?: number | undefined;
  random?: (() => number) | undefined;
};

export type EventHub = {
  subscribe(subscriber: HubSubscriber): Unsubscribe;
  /** The edge answered that it has no event stream, and the hub will not try again. */
  readonly fellBack: boolean;
};

/** One open period: from the first subscriber to the last one leaving. */
type Run = {
  readonly controller: AbortController;
  /** The attempt in progress (connecting or reading); undefined while waiting to reconnect. */
  attempt: AbortController | undefined;
  /** What the attempt in progress asked for, and where its stream stands now. */
  types: ReadonlySet<EdgeEventType>;
  at: StreamPosition | undefined;
  /** The furthest position seen in this run: where a subscriber that wants "from now on" starts. */
  high: StreamPosition | undefined;
  restart: boolean;
  retryMs: number | undefined;
  /** `connecting` until the first attempt opens or fails; subscribers hear of each change after that. */
  state: "connecting" | "up" | "down";
};

const ALL_TYPES: ReadonlySet<EdgeEventType> = new Set(EDGE_EVENT_TYPES);

export function createEventHub(options: EventHubOptions): EventHub {
  const subscribers = new Set<HubSubscriber>();
  let current: Run | undefined;
  let noStream: { error: unknown } | undefined;
  const stallTimeoutMs = options.stallTimeoutMs ?? 45_000;
  const delays = {
    initialMs: options.initialReconnectDelayMs ?? 1_000,
    maxMs: options.maxReconnectDelayMs ?? 30_000,
    random: options.random,
  };

  const each = (call: (s: HubSubscriber) => void) => {
    for (const subscriber of [...subscribers]) {
      try {
        call(subscriber);
      } catch {
        // A subscriber's own failure must not stop the stream for the others (ours never throw here).
      }
    }
  };

  function wantedTypes(): ReadonlySet<EdgeEventType> {
    const types = new Set<EdgeEventType>();
    for (const s of subscribers) for (const t of s.types) types.add(t);
    return types.size === 0 ? ALL_TYPES : types;
  }

  /**
   * The least position any subscriber has seen. Subscribers without one yet ("from now on", nothing received) do not
   * hold it back; should an earlier one join before the first event, they too get its replay.
   */
  function resumePoint(): StreamPosition | undefined {
    let least: StreamPosition | undefined;
    for (const s of subscribers) least = minPosition(least, s.cursor);
    return least;
  }

  /** Whether the attempt in progress cannot serve `s`: it wants a type not asked for, or events before it. */
  function outgrows(run: Run, s: HubSubscriber): boolean {
    if (run.attempt === undefined) return false; // the next attempt will ask for what everyone wants
    if ([...s.types].some((t) => !run.types.has(t))) return true;
    return s.cursor !== undefined && (run.at === undefined || comparePositions(s.cursor, run.at) < 0);
  }

  function dispatch(run: Run, event: EdgeEvent): void {
    if (event.type === "resync") {
      // Only those who stood before the oldest retained height lost anything.
      each((s) => {
        if (s.cursor !== undefined && s.cursor.height + 1 < event.data.oldest) s.onEvent(event);
      });
      return;
    }
    const position =
      event.type === "finalized"
        ? afterFinalized(event.data.number, String(event.data.number))
        : positionOfId(event.id);
    if (position !== undefined) {
      run.at = position;
      if (run.high === undefined || comparePositions(position, run.high) > 0) run.high = position;
    }
    each((s) => {
      if (position !== undefined) {
        if (s.cursor !== undefined && comparePositions(position, s.cursor) <= 0) return; // a replay: seen
        s.cursor = position;
      }
      if (s.types.has(event.type)) s.onEvent(event);
    });
  }

  function receive(run: Run, message: SseMessage): void {
    if (current !== run) return;
    const event = decodeEvent(message);
    if (event instanceof InvalidResponseError) each((s) => s.onError(event));
    else if (event !== undefined) dispatch(run, event);
  }

  function fallBack(run: Run, error: unknown): void {
    noStream = { error };
    const dropped = [...subscribers];
    subscribers.clear();
    run.controller.abort();
    if (current === run) current = undefined;
    for (const s of dropped) s.onNoStream(error);
  }

  function setState(run: Run, state: "up" | "down", reconnectInMs = 0): void {
    if (current !== run || run.state === state) return;
    run.state = state;
    each((s) => (state === "up" ? s.onUp?.() : s.onDown?.(reconnectInMs)));
  }

  async function loop(run: Run): Promise<void> {
    const { signal } = run.controller;
    let failures = 0;
    // Subscriptions made in the same turn share the first request.
    await Promise.resolve();
    while (!signal.aborted) {
      const attempt = new AbortController();
      const abortAttempt = () => attempt.abort();
      signal.addEventListener("abort", abortAttempt, { once: true });
      run.attempt = attempt;
      run.restart = false;
      run.types = wantedTypes();
      run.at = resumePoint();
      const outcome = await connectStream({
        openStream: options.openStream,
        path: options.path,
        resume: run.at,
        types: run.types,
        stallTimeoutMs,
        signal: attempt.signal,
        onOpen: () => setState(run, "up"),
        onMessage: (message) => receive(run, message),
        onRetry: (ms) => {
          run.retryMs = ms;
        },
      });
      signal.removeEventListener("abort", abortAttempt);
      run.attempt = undefined;
      if (signal.aborted) return;
      if (run.restart) continue; // a new subscriber needs more than that connection carried: at once
      if (outcome.kind === "no-stream") {
        if (options.fallback) {
          fallBack(run, outcome.error);
          return;
        }
        each((s) => s.onNoStream(outcome.error));
        failures = Number.POSITIVE_INFINITY; // ask again, but rarely
      } else if (outcome.kind === "closed") {
        const { error } = outcome;
        if (error !== undefined) each((s) => s.onError(error));
        failures = outcome.delivered ? 0 : failures + 1;
      }
      const wait = reconnectDelay(Math.min(failures, 30), {
        ...delays,
        retryMs: run.retryMs,
        retryAfterMs: outcome.kind === "closed" ? outcome.retryAfterMs : undefined,
      });
      if (outcome.kind !== "aborted") setState(run, "down", wait);
      await sleep(wait, signal).catch(() => undefined);
    }
  }

  return {
    get fellBack() {
      return noStream !== undefined;
    },
    subscribe(subscriber) {
      if (noStream !== undefined) {
        const { error } = noStream;
        queueMicrotask(() => subscriber.onNoStream(error));
        return () => undefined;
      }
      subscribers.add(subscriber);
      if (current === undefined) {
        current = {
          controller: new AbortController(),
          attempt: undefined,
          types: ALL_TYPES,
          at: undefined,
          high: undefined,
          restart: false,
          retryMs: undefined,
          state: "connecting",
        };
        void loop(current);
      } else {
        subscriber.cursor ??= current.high;
        if (current.state === "down")
          queueMicrotask(() => subscribers.has(subscriber) && subscriber.onDown?.(0));
        if (outgrows(current, subscriber)) {
          current.restart = true;
          current.attempt?.abort();
        }
      }
      return () => {
        if (!subscribers.delete(subscriber) || subscribers.size > 0 || current === undefined) return;
        current.controller.abort();
        current = undefined;
      };
    },
  };
}
