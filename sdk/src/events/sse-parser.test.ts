// The event-stream parser against the WHATWG rules, one case per rule, and the same sample stream cut at every
// byte position (inside CRLF, inside a UTF-8 sequence, inside the BOM) parsing the same.
import { describe, expect, it } from "vitest";
import { createSseParser, readEventStream, type SseMessage } from "./sse-parser.ts";

const encode = (text: string) => new TextEncoder().encode(text);

function parse(chunks: readonly Uint8Array[], lastEventId?: string) {
  const messages: SseMessage[] = [];
  const retries: number[] = [];
  const parser = createSseParser(
    { onMessage: (m) => messages.push(m), onRetry: (ms) => retries.push(ms) },
    lastEventId,
  );
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return { messages, retries, lastEventId: parser.lastEventId };
}

const msg = (data: string, type = "message", lastEventId = ""): SseMessage => ({ type, data, lastEventId });

const cases: [name: string, stream: string | Uint8Array, messages: SseMessage[], retries?: number[]][] = [
  ["one event", "data: hello\n\n", [msg("hello")]],
  ["type and id", "event: finalized\nid: 5\ndata: {}\n\n", [msg("{}", "finalized", "5")]],
  ["multi-line data joined by LF", "data: a\ndata: b\ndata: c\n\n", [msg("a\nb\nc")]],
  ["an empty data line keeps its LF", "data: a\ndata:\n\n", [msg("a\n")]],
  ["CR line ends", "data: a\r\rdata: b\r\r", [msg("a"), msg("b")]],
  ["CRLF line ends", "data: a\r\n\r\ndata: b\r\n\r\n", [msg("a"), msg("b")]],
  ["mixed line ends", "data: a\r\ndata: b\rdata: c\n\r\n", [msg("a\nb\nc")]],
  ["a leading BOM is dropped", "\uFEFFdata: x\n\n", [msg("x")]],
  ["only one BOM is dropped (the second is part of the field name)", "\uFEFF\uFEFFdata: x\n\n", []],
  ["one leading space stripped, no more", "data:  two\n\ndata:none\n\n", [msg(" two"), msg("none")]],
  ["a value keeps its colons", "data: a:b: c\n\n", [msg("a:b: c")]],
  ["a field without colon has an empty value", "data\n\n", [msg("")]],
  ["comments are ignored", ": keep-alive\n\n:another\ndata: x\n: mid\n\n", [msg("x")]],
  ["unknown fields are ignored", "foo: bar\nData: no\ndata: x\n\n", [msg("x")]],
  ["no data, no event (the type is reset)", "event: finalized\n\ndata: x\n\n", [msg("x")]],
  ["an empty type is message", "event:\ndata: x\n\n", [msg("x")]],
  [
    "the last event id persists across events; an empty id resets it",
    "id: 7\ndata: a\n\ndata: b\n\nid\ndata: c\n\n",
    [msg("a", "message", "7"), msg("b", "message", "7"), msg("c")],
  ],
  ["an id without data still sets the last event id", "id: 3\n\ndata: x\n\n", [msg("x", "message", "3")]],
  [
    "an id containing NUL is ignored",
    "id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n",
    [msg("a", "message", "1"), msg("b", "message", "1")],
  ],
  [
    "retry: ASCII digits only",
    "retry: 1500\nretry: 15x\nretry: -1\nretry:\nretry:  20\nretry: 0\ndata: x\n\n",
    [msg("x")],
    [1500, 0],
  ],
  ["an event without its blank line is discarded at the end", "data: a\n\ndata: b\n", [msg("a")]],
  ["a last line without line end is discarded", "data: a\n\ndata: b", [msg("a")]],
  ["UTF-8", "data: ₿ ✓ 🙂\n\n", [msg("₿ ✓ 🙂")]],
  ["invalid UTF-8 becomes U+FFFD", new Uint8Array([100, 97, 116, 97, 58, 32, 0xff, 10, 10]), [msg("\uFFFD")]],
];

describe("createSseParser", () => {
  for (const [name, stream, messages, retries = []] of cases) {
    it(name, () => {
      const bytes = typeof stream === "string" ? encode(stream) : stream;
      expect(parse([bytes])).toMatchObject({ messages, retries });
    });
  }

  it("starts from a given last event id and keeps it for events without one", () => {
    const { messages, lastEventId } = parse([encode("data: x\n\n")], "41");
    expect(messages).toEqual([msg("x", "message", "41")]);
    expect(lastEventId).toBe("41");
  });

  it("the id of an event never dispatched does not become the last event id", () => {
    expect(parse([encode("id: 1\ndata: a\n\nid: 2\ndata: b\n")]).lastEventId).toBe("1");
  });

  // Every rule above at once, with multi-byte characters, CRLF and the BOM where a cut hurts most.
  const sample = encode(
    '\uFEFF: keep-alive\r\nretry: 2500\r\nevent: finalized\r\nid: 12\r\ndata: {"hash":"₿"}\r\n\r\n' +
      "event: equivocation\rid: 12:3\rdata: line 1\rdata:line 2\r\r" +
      "data: 🙂 no type\n\nid: 13\0\ndata: x\n\n: bye\n",
  );
  const expected = {
    messages: [
      msg('{"hash":"₿"}', "finalized", "12"),
      msg("line 1\nline 2", "equivocation", "12:3"),
      msg("🙂 no type", "message", "12:3"),
      msg("x", "message", "12:3"),
    ],
    retries: [2500],
    lastEventId: "12:3",
  };

  it("the sample stream in one chunk", () => {
    expect(parse([sample])).toEqual(expected);
  });

  it("the sample stream cut in two at every byte position", () => {
    for (let at = 1; at < sample.length; at++) {
      expect(parse([sample.subarray(0, at), sample.subarray(at)]), `cut at ${at}`).toEqual(expected);
    }
  });

  it("the sample stream one byte at a time, and in three pieces at every pair of positions", () => {
    expect(parse(Array.from(sample, (b) => new Uint8Array([b])))).toEqual(expected);
    for (let a = 1; a < sample.length; a += 7) {
      for (let b = a + 1; b < sample.length; b += 5) {
        const chunks = [sample.subarray(0, a), sample.subarray(a, b), sample.subarray(b)];
        expect(parse(chunks), `cuts at ${a}, ${b}`).toEqual(expected);
      }
    }
  });
});

describe("readEventStream", () => {
  it("reads a body to its end, telling of every chunk", async () => {
    const chunks = [encode("data: a\n"), encode("\n: hb\n"), encode("data: b\n\n")];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk);
        controller.close();
      },
    });
    const messages: string[] = [];
    let bytes = 0;
    await readEventStream(body, createSseParser({ onMessage: (m) => messages.push(m.data) }), () => bytes++);
    expect(messages).toEqual(["a", "b"]);
    expect(bytes).toBe(3);
  });

  it("rejects when the body errors", async () => {
    const body = new ReadableStream<Uint8Array>({
      pull() {
        throw new Error("reset");
      },
    });
    await expect(readEventStream(body, createSseParser({ onMessage: () => undefined }))).rejects.toThrow(
      "reset",
    );
  });
});
