/**
 * @module The coordinator's subscribers: one `text/event-stream` per subscriber, held by the Durable Object, fed
 * from the one event log. A new subscriber gets the logged events after its resume point and then the live ones
 * with no gap or repeat: both are read from the log by sequence number, synchronously, so no event can fall
 * between them. A subscriber that does not read (its stream backs up) is dropped; it reconnects with
 * `Last-Event-ID` and loses nothing.
 */
import { eventsAfterSeq, latestSeq, type ResumePoint, readTip, resume } from "./event-log.ts";
import type { LoggedEvent } from "./events.ts";
import type { SqlStore } from "./sql.ts";

export const HEARTBEAT_MS = 15_000;
/** Events read from the log per write while a subscriber catches up. */
const PAGE = 500;
/** Chunks a subscriber may leave unread before it is dropped. */
const MAX_BACKLOG_CHUNKS = 64;

type Subscriber = {
  writer: WritableStreamDefaultWriter<Uint8Array>;
  types: ReadonlySet<string> | null;
  /** The last event (by seq) written to it. */
  seq: number;
};

export type EventHub = {
  subscribe(request: Request): Response;
  publish(events: readonly LoggedEvent[]): void;
  size(): number;
};

const encoder = new TextEncoder();

/** One SSE frame. Data is JSON on one line, so it never needs splitting. */
export function sseFrame(event: string, id: string | null, data: unknown): string {
  return `${id === null ? "" : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The resume point of a request: `Last-Event-ID` first (what a reconnecting EventSource sends), then `?from=`. */
export function resumePointOf(request: Request): ResumePoint {
  const last = request.headers.get("last-event-id");
  if (last !== null && last.trim() !== "") return { afterId: last.trim() };
  const from = new URL(request.url).searchParams.get("from");
  return from !== null && /^\d{1,15}$/.test(from) ? { afterHeight: Number(from) } : null;
}

export function typesOf(request: Request): ReadonlySet<string> | null {
  const types = new URL(request.url).searchParams.get("types");
  return types ? new Set(types.split(",").map((t) => t.trim())) : null;
}

export function createEventHub({ sql, chain }: { sql: SqlStore; chain: string }): EventHub {
  const subscribers = new Set<Subscriber>();
  let heartbeat: ReturnType<typeof setInterval> | undefined;

  function drop(sub: Subscriber): void {
    if (!subscribers.delete(sub)) return;
    sub.writer.close().catch(() => undefined);
    if (subscribers.size === 0 && heartbeat !== undefined) {
      clearInterval(heartbeat);
      heartbeat = undefined;
    }
  }

  function write(sub: Subscriber, text: string): void {
    // A reader that stopped reading: drop it rather than buffer without bound.
    if ((sub.writer.desiredSize ?? 0) < -MAX_BACKLOG_CHUNKS) {
      drop(sub);
      return;
    }
    sub.writer.write(encoder.encode(text)).catch(() => drop(sub));
  }

  function framesOf(sub: Subscriber, events: readonly LoggedEvent[]): string {
    let text = "";
    for (const event of events) {
      sub.seq = event.seq;
      if (sub.types && !sub.types.has(event.type)) continue;
      text += sseFrame(event.type, event.id, event.data);
    }
    return text;
  }

  /** Writes what the log holds after the subscriber's position, page by page, up to the newest event. */
  function catchUp(sub: Subscriber, until: number): void {
    while (sub.seq < until && subscribers.has(sub)) {
      const page = eventsAfterSeq(sql, chain, sub.seq, PAGE);
      if (page.length === 0) break;
      const text = framesOf(sub, page);
      if (text) write(sub, text);
    }
  }

  return {
    subscribe(request) {
      const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
      const sub: Subscriber = { writer: writable.getWriter(), types: typesOf(request), seq: 0 };
      const point = resumePointOf(request);
      // The first event to send, found in the log (one row is enough to know where to start).
      const start = resume(sql, chain, point, 1);
      const newest = latestSeq(sql);
      let text = "retry: 3000\n\n";
      if (start.kind === "resync") {
        text += sseFrame("resync", null, { oldest: start.oldest, tip: readTip(sql) });
      }
      // Live only (no resume point): nothing from the past.
      sub.seq = point === null ? newest : startSeq(start.events, newest);
      subscribers.add(sub);
      write(sub, text);
      catchUp(sub, newest);
      heartbeat ??= setInterval(() => {
        for (const s of subscribers) write(s, ": keep-alive\n\n");
      }, HEARTBEAT_MS);
      sub.writer.closed.catch(() => drop(sub));
      return new Response(readable, {
        headers: {
          "content-type": "text/event-stream; charset=utf-8",
          "cache-control": "no-store",
          "x-accel-buffering": "no",
        },
      });
    },
    publish(events) {
      if (events.length === 0) return;
      const last = (events[events.length - 1] as LoggedEvent).seq;
      for (const sub of subscribers) {
        if (sub.seq === (events[0] as LoggedEvent).seq - 1) {
          const text = framesOf(sub, events);
          if (text) write(sub, text);
        } else catchUp(sub, last);
      }
    },
    size: () => subscribers.size,
  };
}

/** The seq just before the first event to send (none logged after the point: the subscriber is current). */
function startSeq(events: readonly LoggedEvent[], newest: number): number {
  return events.length > 0 ? (events[0] as LoggedEvent).seq - 1 : newest;
}
