/**
 * @module The API client: relative URLs (the page is served by the same Worker), JSON in, `ApiError` out for
 * network failures and problem+json answers. Each URL remembers its last ETag and body, so a poll sends
 * `If-None-Match` and a 304 costs the server nothing and the page no re-render (`changed: false`).
 */
import type { Problem } from "./types.ts";

export class ApiError extends Error {
  constructor(
    readonly path: string,
    /** 0: the request never got an answer. */
    readonly status: number,
    readonly problem: Problem | null,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** The server says the data exists but cannot be read now (history not recorded or its store down). */
  get unavailable(): boolean {
    return this.status === 503;
  }
}

export type Fetched<T> = { data: T; changed: boolean };

export type Api = { get<T>(path: string): Promise<Fetched<T>> };

export function createApi(fetchImpl: typeof fetch = (input, init) => fetch(input, init)): Api {
  const cache = new Map<string, { etag: string; data: unknown }>();
  return {
    async get<T>(path: string): Promise<Fetched<T>> {
      const cached = cache.get(path);
      const headers: Record<string, string> = { accept: "application/json" };
      if (cached) headers["if-none-match"] = cached.etag;
      let response: Response;
      try {
        // no-store: the page does its own revalidation; the browser cache would answer 200 from memory instead.
        response = await fetchImpl(path, { headers, cache: "no-store" });
      } catch {
        throw new ApiError(path, 0, null, `${path}: no answer (network error)`);
      }
      if (response.status === 304 && cached) return { data: cached.data as T, changed: false };
      if (!response.ok) throw await errorOf(path, response);
      let data: T;
      try {
        data = (await response.json()) as T;
      } catch {
        throw new ApiError(path, response.status, null, `${path}: the answer is not JSON`);
      }
      const etag = response.headers.get("etag");
      if (etag) cache.set(path, { etag, data });
      else cache.delete(path);
      return { data, changed: true };
    },
  };
}

async function errorOf(path: string, response: Response): Promise<ApiError> {
  let problem: Problem | null = null;
  if ((response.headers.get("content-type") ?? "").includes("json")) {
    problem = (await response.json().catch(() => null)) as Problem | null;
  }
  const what = problem?.detail ?? problem?.title ?? response.statusText;
  const code = problem?.code ? ` ${problem.code}` : "";
  return new ApiError(
    path,
    response.status,
    problem,
    `${path}: ${response.status}${code}${what ? ` ${what}` : ""}`,
  );
}

/** One line for the status line, whatever was thrown. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
