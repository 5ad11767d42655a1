/**
 * @module HTTP caching of JSON answers: strong ETags, `Cache-Control` by kind of answer, and conditional GETs
 * (`If-None-Match` → 304, RFC 9110 §13.1.2).
 *
 * - `finalized`: a finalized answer never changes (finality is irreversible) → cached for a year, immutable.
 * - `pending`: `public, max-age=2`. A pending answer is "not finalized (yet)"; serving it up to 2 s stale can
 *   only delay a "yes", never produce a wrong one (fail closed), while it absorbs bursts of clients polling
 *   the same block. `no-store` would buy nothing safety-wise and send every poll to the upstream readers.
 * - `error`: `no-store` (as `problemResponse` does).
 */

export type CacheKind = "finalized" | "pending" | "error";

const CACHE_CONTROL: Readonly<Record<CacheKind, string>> = {
  finalized: "public, max-age=31536000, immutable",
  pending: "public, max-age=2",
  error: "no-store",
};

export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

export function cacheControlFor(kind: CacheKind): string {
  return CACHE_CONTROL[kind];
}

/** A strong ETag: the quoted base64url SHA-256 of the UTF-8 body. */
export async function etagFor(body: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body)));
  let binary = "";
  for (const byte of digest) binary += String.fromCharCode(byte);
  const base64url = btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return `"${base64url}"`;
}

/**
 * The entity-tags of an `If-None-Match` value: `"*"` alone for the wildcard, else each tag as written
 * (`W/"x"` or `"x"`). Malformed members are skipped; an entity-tag's opaque part may contain commas.
 */
export function parseIfNoneMatch(value: string): string[] | "*" {
  if (value.trim() === "*") return "*";
  const tags: string[] = [];
  let i = 0;
  while (i < value.length) {
    const char = value[i];
    if (char === " " || char === "\t" || char === ",") {
      i++;
      continue;
    }
    const weak = value.startsWith("W/", i);
    const open = weak ? i + 2 : i;
    const close = value[open] === '"' ? value.indexOf('"', open + 1) : -1;
    if (close === -1) {
      // Not an entity-tag (unquoted, or an unterminated quote): skip to the next list member.
      const comma = value.indexOf(",", i);
      i = comma === -1 ? value.length : comma + 1;
      continue;
    }
    tags.push(value.slice(i, close + 1));
    i = close + 1;
  }
  return tags;
}

const opaque = (tag: string): string => (tag.startsWith("W/") ? tag.slice(2) : tag);

/**
 * Whether `If-None-Match` matches the current representation's `etag`, i.e. the 304 condition: `*` matches any
 * current representation; otherwise any listed tag matching by weak comparison (RFC 9110 §8.8.3.2: opaque
 * parts equal, `W/` ignored on either side — If-None-Match always uses weak comparison).
 */
export function ifNoneMatchMatches(header: string | null, etag: string): boolean {
  if (header === null) return false;
  const tags = parseIfNoneMatch(header);
  if (tags === "*") return true;
  const current = opaque(etag);
  return tags.some((tag) => opaque(tag) === current);
}

/** A Hono context (`c`) or anything else that carries the raw request the same way. */
type HasRequest = { req: { raw: Request } };

export type JsonWithCachingInit = { status?: number; headers?: Record<string, string> };

/** A JSON representation with its strong ETag: what a cacheable answer is made of (and what is stored). */
export type JsonEntity = { readonly body: string; readonly etag: string };

/** Serializes `body` and tags it: `{ body, etag }`. */
export async function jsonEntity(body: unknown): Promise<JsonEntity> {
  const text = JSON.stringify(body);
  if (text === undefined) throw new TypeError("jsonEntity: body is not JSON-serializable");
  return { body: text, etag: await etagFor(text) };
}

/**
 * Answers with an already tagged representation (`ETag`, `Cache-Control` for `kind`, 200). A GET/HEAD whose
 * `If-None-Match` matches gets a bodyless 304 that keeps `ETag` and `Cache-Control` (RFC 9110 §15.4.5); HEAD
 * gets no body. Stored finalized answers are served through here without being parsed or hashed again.
 */
export function entityResponse(
  source: Request | HasRequest,
  entity: JsonEntity,
  kind: Exclude<CacheKind, "error">,
  extraHeaders?: Record<string, string>,
): Response {
  const request = source instanceof Request ? source : source.req.raw;
  const headers: Record<string, string> = {
    ...extraHeaders,
    "cache-control": CACHE_CONTROL[kind],
    etag: entity.etag,
  };
  const conditional = request.method === "GET" || request.method === "HEAD";
  if (conditional && ifNoneMatchMatches(request.headers.get("if-none-match"), entity.etag)) {
    return new Response(null, { status: 304, headers });
  }
  headers["content-type"] = JSON_CONTENT_TYPE;
  return new Response(request.method === "HEAD" ? null : entity.body, { status: 200, headers });
}

/**
 * Serializes `body` as JSON and answers with `ETag` and `Cache-Control` for `kind` (see {@link entityResponse}).
 * Error answers (`kind: "error"`, or a non-2xx status) get `no-store`-style headers and no ETag, and are never
 * turned into 304s. Only GET and HEAD are conditional: this helper serves read answers.
 */
export async function jsonWithCaching(
  source: Request | HasRequest,
  body: unknown,
  kind: CacheKind,
  init: JsonWithCachingInit = {},
): Promise<Response> {
  const status = init.status ?? 200;
  const cacheable = kind !== "error" && status === 200;
  if (cacheable) return entityResponse(source, await jsonEntity(body), kind, init.headers);
  const text = JSON.stringify(body);
  if (text === undefined) throw new TypeError("jsonWithCaching: body is not JSON-serializable");
  const headers = new Headers(init.headers);
  headers.set("content-type", JSON_CONTENT_TYPE);
  headers.set("cache-control", cacheControlFor("error"));
  return new Response(text, { status, headers });
}
