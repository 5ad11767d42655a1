// One connection attempt over a fake fetch: what it asks for (resume point, type filter, headers) and what each
// kind of answer means (an event stream; a passing failure to reconnect after; an edge that has no stream).
import { describe, expect, it } from "vitest";
import { fakeFetch, json, problem, type Recorded } from "../../test/fake-fetch.ts";
import {
  HttpStatusError,
  InvalidResponseError,
  NetworkError,
  NotFoundError,
  RateLimitedError,
  UpstreamUnavailableError,
} from "../errors/index.ts";
import { createTransport } from "../transport/create-transport.ts";
import { connectStream } from "./connect-stream.ts";
import { EDGE_EVENT_TYPES, type EdgeEventType } from "./edge-events.ts";
import type { SseMessage } from "./sse-parser.ts";
import { afterFinalized, positionOfId, type StreamPosition } from "./stream-position.ts";

const sse = (text: string) => new Response(text, { headers: { "content-type": "text/event-stream" } });

async function connect(
  answer: (r: Recorded) => Response | Promise<Response>,
  resume?: StreamPosition,
  types: readonly EdgeEventType[] = EDGE_EVENT_TYPES,
) {
  const { fetch, calls } = fakeFetch(answer);
  const transport = createTransport({ url: "http://e", fetch, headers: { "x-api-key": "k", accept: "x/y" } });
  const messages: SseMessage[] = [];
  const retries: number[] = [];
  const outcome = await connectStream({
    openStream: transport.openStream,
    path: "/v1/chains/c/events",
    resume,
    types: new Set(types),
    stallTimeoutMs: 1_000,
    signal: new AbortController().signal,
    onOpen: () => undefined,
    onMessage: (m) => messages.push(m),
    onRetry: (ms) => retries.push(ms),
  });
  return { outcome, calls, messages, retries };
}

describe("connectStream: the request", () => {
  it("asks for an event stream, uncached, with the client's headers", async () => {
    const { calls } = await connect(() => sse(""));
    expect(calls[0]).toMatchObject({
      url: "http://e/v1/chains/c/events",
      method: "GET",
      headers: { accept: "text/event-stream", "cache-control": "no-store", "x-api-key": "k" },
    });
    expect(calls[0]?.headers["last-event-id"]).toBeUndefined();
  });

  const resumes: [string, StreamPosition | undefined, string, string | undefined][] = [
    ["a received finalized id", positionOfId("41"), "http://e/v1/chains/c/events", "41"],
    ["a received T:s id", positionOfId("41:7"), "http://e/v1/chains/c/events", "41:7"],
    ["a chosen height", afterFinalized(41), "http://e/v1/chains/c/events?from=41", undefined],
    ["before height 0", afterFinalized(-1), "http://e/v1/chains/c/events?from=0", undefined],
  ];
  for (const [name, resume, url, lastEventId] of resumes) {
    it(`resumes after ${name}`, async () => {
      const { calls } = await connect(() => sse(""), resume);
      expect(calls[0]?.url).toBe(url);
      expect(calls[0]?.headers["last-event-id"]).toBe(lastEventId);
    });
  }

  it("filters types only when not all are wanted", async () => {
    const { calls } = await connect(() => sse(""), undefined, ["slashed", "finalized"]);
    expect(calls[0]?.url).toBe("http://e/v1/chains/c/events?types=finalized%2Cslashed");
  });
});

describe("connectStream: the answer", () => {
  it("an event stream: its events and retry, then closed (delivered)", async () => {
    const { outcome, messages, retries } = await connect(() =>
      sse("retry: 3000\nevent: finalized\nid: 5\ndata: {}\n\n: keep-alive\n\n"),
    );
    expect(outcome).toEqual({ kind: "closed", delivered: true });
    expect(messages).toEqual([{ type: "finalized", data: "{}", lastEventId: "5" }]);
    expect(retries).toEqual([3000]);
  });

  it("events without their own id carry the resume id", async () => {
    const { messages } = await connect(() => sse("data: x\n\n"), positionOfId("9:2"));
    expect(messages[0]?.lastEventId).toBe("9:2");
  });

  const text = (status: number, type = "text/plain", headers: Record<string, string> = {}) =>
    new Response(status === 204 ? null : "nope", { status, headers: { "content-type": type, ...headers } });
  const answers: [string, () => Response, "no-stream" | "closed", unknown, number?][] = [
    ["404 problem", () => problem(404, "route_not_found"), "no-stream", NotFoundError],
    ["405", () => text(405), "no-stream", HttpStatusError],
    ["501", () => text(501), "no-stream", HttpStatusError],
    ["401 from a gateway", () => text(401), "no-stream", HttpStatusError],
    ["204 (the standard's stop)", () => text(204), "no-stream", InvalidResponseError],
    ["200 JSON", () => json(200, {}), "no-stream", InvalidResponseError],
    ["200 HTML", () => text(200, "text/html"), "no-stream", InvalidResponseError],
    [
      "503 with Retry-After",
      () => problem(503, "upstream_unavailable", { headers: { "retry-after": "3" } }),
      "closed",
      UpstreamUnavailableError,
      3000,
    ],
    ["429", () => problem(429, "rate_limited"), "closed", RateLimitedError],
    ["500", () => text(500), "closed", HttpStatusError],
    ["408", () => text(408), "closed", HttpStatusError],
  ];
  for (const [name, answer, kind, errorClass, retryAfterMs] of answers) {
    it(`${name}: ${kind}`, async () => {
      const { outcome } = await connect(answer);
      expect(outcome.kind).toBe(kind);
      expect((outcome as { error: unknown }).error).toBeInstanceOf(errorClass);
      expect(outcome.delivered).toBe(false);
      if (retryAfterMs !== undefined) expect(outcome).toMatchObject({ retryAfterMs });
    });
  }

  it("fetch failing is a NetworkError to reconnect after", async () => {
    const { outcome } = await connect(() => {
      throw new TypeError("fetch failed");
    });
    expect(outcome).toMatchObject({ kind: "closed", delivered: false });
    expect((outcome as { error: unknown }).error).toBeInstanceOf(NetworkError);
  });
});
