/**
 * @module One connection to the edge's event stream, from request to end: resume point and type filter on the
 * request, the answer classified (an event stream; a passing failure worth reconnecting after; or an edge that has
 * no stream, which sends the client back to polling), then the body parsed until it ends, breaks or goes quiet.
 * A watchdog covers the whole attempt: no bytes for `stallTimeoutMs` (the edge sends a heartbeat every 15 s) means
 * the connection is dead even if no socket error says so (a proxy or NAT dropped it silently).
 */
import {
  errorFromAnswer,
  FinalityEdgeError,
  InvalidResponseError,
  NetworkError,
  readProblem,
  TimeoutError,
} from "../errors/index.ts";
import type { OpenStream } from "../transport/open-stream.ts";
import { parseRetryAfter } from "../transport/retry.ts";
import { EDGE_EVENT_TYPES, type EdgeEventType } from "./edge-events.ts";
import { createSseParser, readEventStream, type SseMessage } from "./sse-parser.ts";
import type { StreamPosition } from "./stream-position.ts";

export type ConnectOptions = {
  openStream: OpenStream;
  /** The filled-in route, `/v1/chains/<chain>/events`. */
  path: string;
  /** Resume right after this position (undefined: from now on). */
  resume: StreamPosition | undefined;
  types: ReadonlySet<EdgeEventType>;
  stallTimeoutMs: number;
  signal: AbortSignal;
  /** The edge answered with an event stream: the connection is up. */
  onOpen(): void;
  onMessage(message: SseMessage): void;
  onRetry(ms: number): void;
};

export type ConnectOutcome =
  /** The stream ended or could not be opened this time (`error` unless the edge closed it cleanly): reconnect. */
  | { kind: "closed"; error?: unknown; retryAfterMs?: number | undefined; delivered: boolean }
  /** The edge has no event stream (404, 405, 501, not `text/event-stream`, …): poll instead. */
  | { kind: "no-stream"; error: unknown; delivered: false }
  /** `signal` fired. */
  | { kind: "aborted"; delivered: boolean };

const EVENT_STREAM = /^text\/event-stream\b/i;

export async function connectStream(options: ConnectOptions): Promise<ConnectOutcome> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal.reason);
  options.signal.addEventListener("abort", onAbort, { once: true });
  let stalled = false;
  let opened = false;
  let delivered = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      controller.abort();
    }, options.stallTimeoutMs);
  };
  arm();
  try {
    if (options.signal.aborted) return { kind: "aborted", delivered };
    const response = await options.openStream(options.path, {
      ...resumeRequest(options.resume, options.types),
      signal: controller.signal,
    });
    arm();
    const refusal = await refusalOf(response);
    if (refusal) return refusal;
    opened = true;
    options.onOpen();
    const parser = createSseParser(
      {
        onMessage(message) {
          delivered = true;
          options.onMessage(message);
        },
        onRetry: options.onRetry,
      },
      options.resume?.id ?? "",
    );
    await readEventStream(response.body as ReadableStream<Uint8Array>, parser, arm);
    return { kind: "closed", delivered };
  } catch (error) {
    if (options.signal.aborted) return { kind: "aborted", delivered };
    if (stalled) {
      const what = opened ? "The event stream (no bytes, not even a heartbeat)" : "Opening the event stream";
      return {
        kind: "closed",
        error: new TimeoutError(what, options.stallTimeoutMs, { cause: error }),
        delivered,
      };
    }
    const wrapped =
      error instanceof FinalityEdgeError
        ? error
        : new NetworkError({ cause: error, details: `the event stream broke: ${(error as Error)?.message}` });
    return { kind: "closed", error: wrapped, delivered };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    options.signal.removeEventListener("abort", onAbort);
  }
}

/** The resume point as the edge's contract takes it: a received id as `Last-Event-ID`, a chosen height as `from`. */
function resumeRequest(resume: StreamPosition | undefined, types: ReadonlySet<EdgeEventType>) {
  const query: Record<string, string | undefined> = {};
  const headers: Record<string, string> = {};
  if (types.size < EDGE_EVENT_TYPES.length)
    query.types = EDGE_EVENT_TYPES.filter((t) => types.has(t)).join(",");
  if (resume?.id !== undefined) headers["last-event-id"] = resume.id;
  else if (resume !== undefined && resume.seq >= 0)
    headers["last-event-id"] = `${resume.height}:${resume.seq}`;
  // `from=N` resumes after height N; before height 0 is the closest that can be asked for.
  else if (resume !== undefined) query.from = String(Math.max(0, resume.height));
  return { query, headers };
}

/** Undefined for an event stream; else what the answer means for the client. */
async function refusalOf(response: Response): Promise<ConnectOutcome | undefined> {
  const { status } = response;
  const type = response.headers.get("content-type") ?? "";
  if (status >= 200 && status < 300 && status !== 204 && EVENT_STREAM.test(type) && response.body) return;
  const text = await response.text().catch(() => "");
  if (status < 400) {
    // 204 is the standard's "stop reconnecting"; any other success that is not a stream is a route that is not one.
    const error = new InvalidResponseError(
      `HTTP ${status} with ${type || "no content type"}, not an event stream`,
      { status },
    );
    return { kind: "no-stream", error, delivered: false };
  }
  let problem: ReturnType<typeof readProblem>;
  try {
    problem = /json/i.test(type) ? readProblem(JSON.parse(text), status) : undefined;
  } catch {
    problem = undefined;
  }
  const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
  const error = errorFromAnswer({
    status,
    problem,
    fallbackDetails: `HTTP ${status} with ${type || "no content type"} to the event stream request`,
    retryAfter,
  });
  // Busy or down for now: reconnect. Anything else (404/405/501, a gateway's 401/403, …) will not change by
  // asking again, and the JSON routes may still work where the stream does not.
  const passing = status === 408 || status === 429 || (status >= 500 && status !== 501);
  if (!passing) return { kind: "no-stream", error, delivered: false };
  return {
    kind: "closed",
    error,
    retryAfterMs: retryAfter === undefined ? undefined : retryAfter * 1000,
    delivered: false,
  };
}
