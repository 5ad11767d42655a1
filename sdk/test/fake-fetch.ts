/** A fake `fetch` for the SDK's unit tests: records every request and answers through a handler. */
import type { FetchFn } from "../src/transport/create-transport.ts";

export type Recorded = {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
  signal: AbortSignal | undefined;
};

export type Handler = (request: Recorded) => Response | Promise<Response>;

export function fakeFetch(handler: Handler): { fetch: FetchFn; calls: Recorded[] } {
  const calls: Recorded[] = [];
  const fetch: FetchFn = async (url, init) => {
    const request: Recorded = {
      url,
      method: init.method ?? "GET",
      headers: Object.fromEntries(new Headers(init.headers).entries()),
      body: typeof init.body === "string" ? JSON.parse(init.body) : undefined,
      signal: init.signal ?? undefined,
    };
    calls.push(request);
    if (request.signal?.aborted) throw abortError();
    return handler(request);
  };
  return { fetch, calls };
}

/** What `fetch` rejects with when its signal fires. */
export const abortError = () => new DOMException("This operation was aborted", "AbortError");

/** Never answers; rejects like `fetch` once the request's signal fires. */
export function hang(request: Recorded): Promise<Response> {
  return new Promise((_, reject) => {
    request.signal?.addEventListener("abort", () => reject(abortError()), { once: true });
  });
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(status === 304 ? null : JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

export function problem(
  status: number,
  code: string,
  extra: { field?: string; detail?: string; title?: string; headers?: Record<string, string> } = {},
): Response {
  const { headers, title, ...rest } = extra;
  const body = {
    type: `https://finality-edge.dev/problems/${code}`,
    title: title ?? code,
    status,
    code,
    ...rest,
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/problem+json", ...headers },
  });
}

const hex = (n: number, byte: string) => `0x${byte.repeat(31)}${n.toString(16).padStart(2, "0").slice(-2)}`;

/** The hash the fake edges give block `n`. */
export const blockHash = (n: number) => hex(n, "ab");
export const txHash = (n: number) => hex(n, "cd");

/** A block finality answer as the edge writes it. */
export function decision(number: number, status: "finalized" | "pending" | "not_canonical" = "finalized") {
  return {
    chain: "c",
    block: {
      number,
      hash: blockHash(number),
      timestamp: status === "not_canonical" ? null : 1_700_000_000 + number,
    },
    finalized: status === "finalized",
    status,
    ...(status === "pending" ? { reason: "quorum not reached" } : {}),
    gridHeight: number,
    btcHeight: 200,
    quorum: { votedPower: "7", totalPower: "10", threshold: "7", reached: status === "finalized" },
    voters: [],
  };
}
