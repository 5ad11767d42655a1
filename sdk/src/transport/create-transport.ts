/**
 * @module The one seam between the SDK's calls and the wire: `fetch`, a timeout per try, retries of idempotent
 * requests per `Retry-After`, problem+json → typed errors, and conditional GETs from an ETag cache. Every call
 * goes through `request`; the edge's event stream is opened beside it (`openStream`, open-stream.ts), with the
 * same `fetch` and headers.
 */
import {
  AbortedError,
  errorFromAnswer,
  FinalityEdgeError,
  InvalidResponseError,
  NetworkError,
  type Problem,
  readProblem,
  TimeoutError,
} from "../errors/index.ts";
import type {
  ApiMethod,
  ApiPath,
  ApiPathParams,
  ApiQuery,
  ApiRequestBody,
  ApiResponse,
} from "./api-types.ts";
import { createEtagCache } from "./etag-cache.ts";
import { createStreamOpener, type OpenStream } from "./open-stream.ts";
import { DEFAULT_RETRY, parseRetryAfter, type RetryOptions, retryDelay } from "./retry.ts";
import { sleep } from "./sleep.ts";

/** What the SDK needs of `fetch`: the global one, a Worker's service binding, a test's fake. */
export type FetchFn = (input: string, init: RequestInit) => Promise<Response>;

export type TransportOptions = {
  /** The edge's base URL, e.g. `https://finality.example` (a path prefix is kept). */
  url: string;
  /** Default: the global `fetch`, looked up at each call. */
  fetch?: FetchFn | undefined;
  /** Sent with every request (an API gateway's key, a user agent). */
  headers?: Record<string, string> | undefined;
  /** Per try, including reading the body (default 10 000 ms). */
  timeoutMs?: number | undefined;
  retry?: RetryOptions | undefined;
};

/** `params` fill in the route's template (`{chain}`, …); routes without any take none. */
type PathParamsField<P extends ApiPath, M extends ApiMethod> = [ApiPathParams<P, M>] extends [never]
  ? { params?: undefined }
  : { params: ApiPathParams<P, M> };

export type TransportRequest<P extends ApiPath, M extends ApiMethod> = PathParamsField<P, M> & {
  method: M;
  /** The route's template, e.g. `/v1/chains/{chain}/status`. */
  path: P;
  query?: ApiQuery<P, M>;
  body?: ApiRequestBody<P, M>;
  signal?: AbortSignal | undefined;
  /** Send the last answer's ETag for this URL as `If-None-Match`; a 304 then answers that body again. */
  conditional?: boolean;
  /** A cheap check that a 2xx body has the documented shape (else `InvalidResponseError`). */
  accept?: (body: unknown) => boolean;
  /** Rewrites the problem before it becomes an error (submissions re-index `field`). */
  mapProblem?: (problem: Problem) => Problem;
};

export type TransportResponse<T> = {
  status: number;
  body: T;
  etag: string | undefined;
  /** Answered 304: `body` is the cached one. */
  notModified: boolean;
};

export type Transport = {
  readonly url: string;
  request<P extends ApiPath, M extends ApiMethod>(
    request: TransportRequest<P, M>,
  ): Promise<TransportResponse<ApiResponse<P, M>>>;
  /** A long-lived GET of a filled-in path (the event stream): no timeout, no retries, body unread. */
  openStream: OpenStream;
};

const DEFAULT_TIMEOUT_MS = 10_000;

export function createTransport(options: TransportOptions): Transport {
  const base = options.url.replace(/\/+$/, "");
  // Resolved per call, so a global `fetch` installed or replaced later is the one used (and never called
  // detached from `globalThis`, which browsers refuse).
  const fetchFn: FetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const etags = createEtagCache();

  /** One try: fetch, read and parse, bounded by `timeoutMs` and the caller's signal. */
  async function attempt<T>(
    url: string,
    init: RequestInit,
    request: TransportRequest<ApiPath, ApiMethod>,
  ): Promise<TransportResponse<T>> {
    const meta = [`Request: ${request.method.toUpperCase()} ${url}`];
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = () => controller.abort();
    request.signal?.addEventListener("abort", onAbort, { once: true });
    const cached = request.conditional ? etags.get(url) : undefined;
    const headers = new Headers(init.headers);
    if (cached) headers.set("if-none-match", cached.etag);
    try {
      const response = await fetchFn(url, { ...init, headers, signal: controller.signal });
      const text = response.status === 304 ? "" : await response.text();
      return readAnswer<T>(response, text, url, request, meta, cached);
    } catch (error) {
      // An answer was read (an error status, a bad body): that is the outcome, whatever fired meanwhile.
      if (error instanceof FinalityEdgeError) throw error;
      if (request.signal?.aborted)
        throw new AbortedError("The request", { cause: request.signal.reason, metaMessages: meta });
      if (timedOut) throw new TimeoutError("The request", timeoutMs, { cause: error, metaMessages: meta });
      throw new NetworkError({ cause: error, details: (error as Error)?.message, metaMessages: meta });
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener("abort", onAbort);
    }
  }

  function readAnswer<T>(
    response: Response,
    text: string,
    url: string,
    request: TransportRequest<ApiPath, ApiMethod>,
    meta: string[],
    cached: { etag: string; body: unknown } | undefined,
  ): TransportResponse<T> {
    const status = response.status;
    const etag = response.headers.get("etag") ?? undefined;
    if (status === 304) {
      if (!cached)
        throw new InvalidResponseError("304 Not Modified to a request without If-None-Match", {
          status,
          metaMessages: meta,
        });
      return {
        status,
        body: structuredClone(cached.body) as T,
        etag: etag ?? cached.etag,
        notModified: true,
      };
    }
    const contentType = response.headers.get("content-type") ?? "";
    const json = /^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType) ? parseJson(text) : undefined;
    if (status >= 200 && status < 300) {
      if (json === undefined || (request.accept && !request.accept(json.value))) {
        throw new InvalidResponseError(
          json === undefined
            ? `HTTP ${status} with ${contentType || "no content type"}, not JSON`
            : "the JSON answer does not have the documented shape",
          { status, metaMessages: meta },
        );
      }
      if (request.conditional && etag) etags.set(url, { etag, body: structuredClone(json.value) });
      return { status, body: json.value as T, etag, notModified: false };
    }
    if (status < 400) {
      throw new InvalidResponseError(`unexpected HTTP ${status}`, { status, metaMessages: meta });
    }
    const problem = json ? readProblem(json.value, status) : undefined;
    throw errorFromAnswer({
      status,
      problem: problem && request.mapProblem ? request.mapProblem(problem) : problem,
      fallbackDetails: `HTTP ${status} with ${contentType || "no content type"}, not problem+json`,
      retryAfter: parseRetryAfter(response.headers.get("retry-after")),
      metaMessages: meta,
    });
  }

  return {
    url: base,
    openStream: createStreamOpener(base, fetchFn, options.headers),
    async request<P extends ApiPath, M extends ApiMethod>(request: TransportRequest<P, M>) {
      const url =
        base + fillPath(request.path, request.params as Record<string, string>) + queryString(request.query);
      const headers: Record<string, string> = {
        accept: "application/json, application/problem+json",
        ...options.headers,
      };
      const init: RequestInit = { method: request.method.toUpperCase(), headers };
      if (request.body !== undefined) {
        headers["content-type"] = "application/json";
        init.body = JSON.stringify(request.body);
      }
      const generic = request as unknown as TransportRequest<ApiPath, ApiMethod>;
      for (let tries = 1; ; tries++) {
        if (request.signal?.aborted) throw new AbortedError("The request", { cause: request.signal.reason });
        try {
          return await attempt<ApiResponse<P, M>>(url, init, generic);
        } catch (error) {
          const delay = retryDelay(error, tries, retry);
          if (delay === undefined) throw error;
          await sleep(delay, request.signal, "The request");
        }
      }
    },
  };
}

function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/** `/v1/chains/{chain}/status` with `{chain: "a b"}` → `/v1/chains/a%20b/status`. */
export function fillPath(template: string, params: Record<string, string> | undefined): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new TypeError(`fillPath: no value for {${name}} in ${template}`);
    return encodeURIComponent(value);
  });
}

function queryString(query: unknown): string {
  if (query === undefined || query === null) return "";
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query as Record<string, unknown>)) {
    if (value !== undefined) search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}
