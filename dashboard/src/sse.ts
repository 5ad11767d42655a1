/**
 * @module One chain event stream (`GET /v1/chains/{chain}/events`) through EventSource. EventSource reconnects by
 * itself (with `Last-Event-ID`, so nothing is lost or repeated); when it gives up (an answer that is not a stream:
 * 4xx/5xx), the caller is told and polls instead, and the stream is tried again later.
 */

export type StreamState = "connecting" | "open" | "reconnecting" | "failed";

export type StreamOptions = {
  /** Event name → handler of its parsed `data`. */
  on: Record<string, (data: unknown, id: string) => void>;
  onState(state: StreamState, detail?: string): void;
  /** How long after giving up to try again. */
  retryMs?: number;
};

export type Stream = { close(): void };

export function openStream(url: string, options: StreamOptions): Stream {
  const retryMs = options.retryMs ?? 30_000;
  let source: EventSource | null = null;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const connect = () => {
    options.onState("connecting");
    const current = new EventSource(url);
    source = current;
    for (const [type, handle] of Object.entries(options.on)) {
      current.addEventListener(type, (event) => {
        const message = event as MessageEvent<string>;
        try {
          handle(JSON.parse(message.data), message.lastEventId);
        } catch (error) {
          // A malformed or unexpected event must not stop the stream, nor reach the console as uncaught.
          options.onState(
            "open",
            `${type} event not understood: ${error instanceof Error ? error.message : error}`,
          );
        }
      });
    }
    current.onopen = () => options.onState("open");
    current.onerror = () => {
      if (current.readyState !== EventSource.CLOSED) {
        options.onState("reconnecting");
        return;
      }
      options.onState("failed", `${url}: the event stream failed; polling instead`);
      if (!closed) retry = setTimeout(connect, retryMs);
    };
  };

  connect();
  return {
    close() {
      closed = true;
      clearTimeout(retry);
      source?.close();
    },
  };
}
