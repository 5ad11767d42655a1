/**
 * @module An incremental `text/event-stream` parser as the WHATWG HTML standard defines it ("Interpreting an event
 * stream"), over a `fetch` body. The SDK reads the edge's event stream with `fetch` rather than `EventSource`:
 * Node and Workers have no `EventSource`, and a browser's cannot send the client's headers (an API key) nor a
 * `Last-Event-ID` chosen by the caller.
 */

/** One dispatched event: its type (`message` when the stream named none), data and the last event id. */
export type SseMessage = { type: string; data: string; lastEventId: string };

export type SseHandlers = {
  onMessage(message: SseMessage): void;
  /** A valid `retry:` field: the reconnection time the server asks for, in milliseconds. */
  onRetry?: ((ms: number) => void) | undefined;
};

export type SseParser = {
  /** The next bytes of the stream, cut anywhere (inside a line, a CRLF or a UTF-8 sequence). */
  push(chunk: Uint8Array): void;
  /** The stream ended: a last event without its blank line is discarded, as the standard says. */
  end(): void;
  /** The last event id string: set on each dispatch (events without `id:` keep the previous one). */
  readonly lastEventId: string;
};

const LF = 10;
const CR = 13;
const DIGITS = /^[0-9]+$/;

/** `lastEventId`: the id a reconnection resumes from, kept by events that carry none (the standard's rule). */
export function createSseParser(handlers: SseHandlers, lastEventId = ""): SseParser {
  // Decodes UTF-8 across chunk boundaries; drops one leading BOM; invalid bytes become U+FFFD.
  const decoder = new TextDecoder("utf-8");
  let pending = ""; // a line not ended yet
  let afterCR = false; // the text so far ended in CR: an LF starting the next text belongs to it
  let data = "";
  let type = "";
  let idBuffer = lastEventId;
  let sourceId = lastEventId;

  function dispatch(): void {
    sourceId = idBuffer;
    if (data === "") {
      type = "";
      return;
    }
    const message = { type: type || "message", data: data.slice(0, -1), lastEventId: sourceId };
    data = "";
    type = "";
    handlers.onMessage(message);
  }

  function processLine(line: string): void {
    if (line === "") {
      dispatch();
      return;
    }
    const colon = line.indexOf(":");
    if (colon === 0) return; // a comment (the edge's `: keep-alive`)
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "event":
        type = value;
        break;
      case "data":
        data += `${value}\n`;
        break;
      case "id":
        if (!value.includes("\0")) idBuffer = value;
        break;
      case "retry":
        if (DIGITS.test(value)) handlers.onRetry?.(Number.parseInt(value, 10));
        break;
      // Any other field is ignored.
    }
  }

  function feed(text: string): void {
    if (text === "") return;
    let start = 0;
    if (afterCR && text.charCodeAt(0) === LF) start = 1;
    afterCR = false;
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== LF && c !== CR) continue;
      const line = pending + text.slice(start, i);
      pending = "";
      if (c === CR) {
        if (i + 1 === text.length) afterCR = true;
        else if (text.charCodeAt(i + 1) === LF) i++;
      }
      start = i + 1;
      processLine(line);
    }
    pending += text.slice(start);
  }

  return {
    push: (chunk) => feed(decoder.decode(chunk, { stream: true })),
    end() {
      feed(decoder.decode());
      pending = "";
      data = "";
      type = "";
      idBuffer = sourceId;
    },
    get lastEventId() {
      return sourceId;
    },
  };
}

/**
 * Reads `body` to its end through `parser`; `onBytes` is told of every chunk (heartbeats included), for stall
 * detection. Rejects when the body errors or is aborted (the reader is cancelled first).
 */
export async function readEventStream(
  body: ReadableStream<Uint8Array>,
  parser: SseParser,
  onBytes?: () => void,
): Promise<void> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      onBytes?.();
      parser.push(value);
    }
  } catch (error) {
    await reader.cancel(error).catch(() => undefined);
    throw error;
  }
  parser.end();
}
