/**
 * @module The one reader of JSON request bodies: media type, size, UTF-8, nesting depth and syntax are
 * checked here, in that order, before any handler or validator sees the body, and each failure is a typed
 * 4xx error naming the header or the body. Hostile bodies cost at most `maxBytes` of reading and one linear
 * scan: nothing recursive ever runs on a document deeper than {@link MAX_JSON_DEPTH}.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./context.ts";
import { InvalidRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from "./errors.ts";
import { fieldName, findRepeatedKeys } from "./repeated-keys.ts";

/** Contract messages nest four levels deep (array → message → proof → aunts); 32 leaves ample room. */
export const MAX_JSON_DEPTH = 32;

/** `application/json` or a `+json` type (RFC 6839), any parameters. */
const JSON_MEDIA_TYPE = /^application\/(?:[a-z0-9!#$&^_.-]+\+)?json[ \t]*(?:;.*)?$/i;

/** Reads the body, refusing it as soon as it passes `maxBytes` (a declared Content-Length is checked first). */
async function readLimited(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) throw new PayloadTooLargeError(maxBytes);
  if (request.body === null) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new PayloadTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** The deepest `[`/`{` nesting of a JSON text outside strings (a linear scan; the text need not be valid). */
export function jsonDepthExceeds(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c)
        i++; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x5b || char === 0x7b) {
      if (++depth > maxDepth) return true;
    } else if (char === 0x5d || char === 0x7d) {
      depth--;
    }
  }
  return false;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** Decodes a body already read: UTF-8, depth, then JSON syntax. */
export function decodeJsonBody(bytes: Uint8Array): { text: string; value: unknown } {
  if (bytes.byteLength === 0) throw new InvalidRequestError("body", "body is empty; send a JSON document");
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new InvalidRequestError("body", "body must be UTF-8 encoded JSON");
  }
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
    throw new InvalidRequestError("body", `body nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  try {
    return { text, value: JSON.parse(text) };
  } catch (error) {
    const reason = error instanceof SyntaxError ? `: ${error.message.slice(0, 200)}` : "";
    throw new InvalidRequestError("body", `body must be JSON${reason}`);
  }
}

/**
 * What a route does with keys written twice in one object: `refuse` (400 naming the first one: which copy counts
 * is ambiguous), or `report` them as `c.get("jsonRepeatedKeys")` for the route to judge (the submission routes
 * refuse what the contract's serde refuses, no more).
 */
export type RepeatedKeysPolicy = "refuse" | "report";

/**
 * Middleware for a route that takes a JSON body: the parsed document is `c.get("jsonBody")`. Schema validators
 * that run after it (zod-openapi's) read the same text from Hono's body cache instead of the stream.
 */
export function jsonBody(
  maxBytes: number,
  repeatedKeys: RepeatedKeysPolicy = "refuse",
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const contentType = c.req.header("content-type");
    const typed = contentType !== undefined && JSON_MEDIA_TYPE.test(contentType);
    if (contentType !== undefined && !typed) throw new UnsupportedMediaTypeError(contentType);
    const bytes = await readLimited(c.req.raw, maxBytes);
    // No Content-Type at all: an empty body is just empty (400); a body of unknown type is refused (415).
    if (!typed && bytes.byteLength > 0) throw new UnsupportedMediaTypeError(undefined);
    const { text, value } = decodeJsonBody(bytes);
    const repeated = findRepeatedKeys(text);
    const first = repeated[0];
    if (repeatedKeys === "refuse" && first) {
      throw new InvalidRequestError(
        fieldName(first.path, first.key),
        "key appears more than once in its object",
      );
    }
    c.set("jsonBody", value);
    c.set("jsonRepeatedKeys", repeated);
    // Hono keeps a promise per body kind here (its type says otherwise).
    (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve(text);
    await next();
  };
}
