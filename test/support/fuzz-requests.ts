/**
 * @module Hostile HTTP traffic for the in-process fuzz test: routes derived from the app's own OpenAPI
 * document, and fast-check arbitraries for paths, queries, methods, headers and bodies.
 *
 * A generated request is a small printable spec ({@link FuzzRequest}), not a `Request`: huge or deeply nested
 * bodies are written as sentinels (`@@DEEP:10000:a@@`, `@@BIG:600000@@`, `@@RAW:18446744073709551616@@`,
 * `@@HEX:ff@@`) that {@link materialize} expands, so a shrunk counterexample stays short enough to read.
 */
import fc from "fast-check";
import { bytesToBase64, bytesToHex } from "../../src/crypto/index.ts";
import { fakeHash } from "./fake-finality-sources.ts";
import { FAULTS, type Fault, type FuzzPools } from "./fuzz-harness.ts";

export const METHODS = ["GET", "POST", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"] as const;

/** One operation of the OpenAPI document. */
export type DocRoute = {
  /** The OpenAPI path template, e.g. `/v1/chains/{chain}/blocks/{blockId}/finality`. */
  template: string;
  method: string;
  pathParams: { name: string; pattern?: string }[];
  /** `{params}` of the template the document does not declare (still filled in, so they are fuzzed too). */
  undeclared: string[];
  queryParams: { name: string; pattern?: string }[];
  /** Media types of the documented request body (empty: no body). */
  bodyTypes: string[];
};

type OpenApiParameter = { name: string; in: string; schema?: { pattern?: string } };
type OpenApiOperation = {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, unknown> };
};
export type OpenApiDocument = { paths: Record<string, Record<string, OpenApiOperation>> };

const HTTP_VERBS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);

/** Every operation in the document, so a route added to the app is fuzzed without touching the test. */
export function routesOf(doc: OpenApiDocument): DocRoute[] {
  const routes: DocRoute[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!HTTP_VERBS.has(method)) continue;
      const params = operation.parameters ?? [];
      const pick = (where: string) =>
        params
          .filter((p) => p.in === where)
          .map((p) => (p.schema?.pattern ? { name: p.name, pattern: p.schema.pattern } : { name: p.name }));
      // Path parameters the document forgot to declare are still filled in.
      const declared = new Set(params.filter((p) => p.in === "path").map((p) => p.name));
      const inTemplate = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
      routes.push({
        template,
        method: method.toUpperCase(),
        // In template order: values are substituted into the `{…}` slots one by one.
        pathParams: inTemplate.map((name) => pick("path").find((p) => p.name === name) ?? { name }),
        undeclared: inTemplate.filter((name) => !declared.has(name)),
        queryParams: pick("query"),
        bodyTypes: Object.keys(operation.requestBody?.content ?? {}),
      });
    }
  }
  return routes;
}

export type BodySpec =
  | { kind: "none" }
  /**
   * Raw text (UTF-8, with `@@HEX:…@@` byte sentinels), padded with spaces to `pad` bytes when given.
   * `repeatsContractField`: a submission whose text writes a field of the contract's message twice.
   */
  | { kind: "text"; text: string; pad?: number; repeatsContractField?: true }
  /** `JSON.stringify(value)` (an array of `repeat` copies when given), sentinels expanded, padded to `pad`. */
  | { kind: "json"; value: unknown; repeat?: number; pad?: number };

export type FuzzRequest = {
  /** The documented template it was built from, or `undocumented`. */
  route: string;
  method: string;
  /** Path and query exactly as sent (percent-encoding, dot segments and slashes untouched). */
  target: string;
  headers: Record<string, string>;
  body: BodySpec;
  fault: Fault;
};

// ---------------------------------------------------------------------------------------------------------
// Materializing a spec.

const SENTINEL = /"@@(RAW|DEEP|BIG):([^"@]*)@@"/g;

function expandJson(text: string): string {
  return text.replace(SENTINEL, (_, kind: string, arg: string) => {
    if (kind === "RAW") return arg;
    if (kind === "BIG") return `"${"a".repeat(Number(arg))}"`;
    const [depth, shape] = arg.split(":");
    const n = Number(depth);
    return shape === "o" ? `${'{"a":'.repeat(n)}1${"}".repeat(n)}` : `${"[".repeat(n)}${"]".repeat(n)}`;
  });
}

const utf8 = new TextEncoder();

/** UTF-8 bytes of `text`, with each `@@HEX:…@@` replaced by its raw bytes (so invalid UTF-8 can be sent). */
function bytesOf(text: string): Uint8Array {
  const parts: Uint8Array[] = [];
  let last = 0;
  for (const m of text.matchAll(/@@HEX:([0-9a-f]*)@@/g)) {
    parts.push(utf8.encode(text.slice(last, m.index)));
    const hex = m[1] as string;
    parts.push(Uint8Array.from(hex.match(/../g) ?? [], (b) => Number.parseInt(b, 16)));
    last = m.index + m[0].length;
  }
  parts.push(utf8.encode(text.slice(last)));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function pad(bytes: Uint8Array, size: number | undefined): Uint8Array {
  if (size === undefined || bytes.length >= size) return bytes;
  // Trailing whitespace keeps JSON valid while moving the body across the size limit byte by byte.
  const out = new Uint8Array(size).fill(0x20);
  out.set(bytes);
  return out;
}

/**
 * Bodies are built up to 8 MiB: copies of a message past that are dropped, so a body that would be hundreds
 * of MiB (1,000 copies of a 600 KB field) is still far over the 512 KiB limit but fits in memory.
 */
const MAX_BODY_CHARS = 8 * 1024 * 1024;

export function bodyBytes(body: BodySpec): Uint8Array | null {
  switch (body.kind) {
    case "none":
      return null;
    case "text":
      return pad(bytesOf(body.text), body.pad);
    case "json": {
      const one = expandJson(JSON.stringify(body.value) ?? "");
      if (body.repeat === undefined) return pad(bytesOf(one), body.pad);
      const copies = Math.min(body.repeat, Math.max(1, Math.ceil(MAX_BODY_CHARS / Math.max(one.length, 1))));
      return pad(bytesOf(`[${Array.from({ length: copies }, () => one).join(",")}]`), body.pad);
    }
  }
}

export const ORIGIN = "http://edge.test";

/** The `Request` a spec stands for; a Uint8Array body so no content-type is added behind the test's back. */
export function materialize(spec: FuzzRequest): Request {
  const body = spec.method === "GET" || spec.method === "HEAD" ? null : bodyBytes(spec.body);
  return new Request(`${ORIGIN}${spec.target}`, {
    method: spec.method,
    headers: spec.headers,
    ...(body ? { body } : {}),
  });
}

/** A readable, copy-pasteable description of a spec (bodies over 1,500 characters are cut, with their size). */
export function describeRequest(spec: FuzzRequest): string {
  const bytes = spec.method === "GET" || spec.method === "HEAD" ? null : bodyBytes(spec.body);
  let body = "(none)";
  if (bytes) {
    const text = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true }).decode(bytes);
    const valid = (() => {
      try {
        new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
        return true;
      } catch {
        return false;
      }
    })();
    const shown = text.length > 1500 ? `${text.slice(0, 1500)}… (${bytes.length} bytes in all)` : text;
    body = valid ? JSON.stringify(shown) : `invalid UTF-8, hex ${bytesToHex(bytes.slice(0, 300))}`;
  }
  return [
    `${spec.method} ${spec.target}`,
    `  headers: ${JSON.stringify(spec.headers)}`,
    `  body:    ${body}`,
    // The body spec is exact (sentinels instead of bulk): materialize(spec) rebuilds the request byte for byte.
    `  spec:    ${JSON.stringify(spec)}`,
    `  fault:   ${spec.fault}`,
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------------------
// Values.

const U64_MAX = "18446744073709551615";
const U64_OVER = "18446744073709551616";
const hex = (bytes: number, byte = "ab") => byte.repeat(bytes);

/** Path segments a client should never send, and a server must still answer with a 4xx. */
const HOSTILE_SEGMENTS = [
  "",
  " ",
  "-1",
  "-0",
  "0",
  "00",
  "01",
  "+1",
  "1.5",
  "1e3",
  "0x",
  "0x0",
  "0x10",
  "0X10",
  "9007199254740991",
  "9007199254740992",
  "9007199254740993",
  "99999999999999999",
  U64_MAX,
  U64_OVER,
  "340282366920938463463374607431768211456",
  "1".repeat(400),
  hex(32),
  `0x${hex(31)}`,
  `0x${hex(33)}`,
  `0x${hex(32)}a`,
  `0x${hex(32, "AB")}`,
  `0X${hex(32)}`,
  `0x${hex(32, "zz")}`,
  hex(32, "AB"),
  `c_${hex(20)}`,
  `v_${hex(20, "AB")}`,
  `x_${hex(20)}`,
  "op-devnet ",
  "OP-DEVNET",
  "nope",
  "latest",
  "LATEST",
  "Latest",
  "pending",
  "safe",
  "earliest",
  "finalized ",
  "null",
  "undefined",
  "NaN",
  "Infinity",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "é",
  "😀",
  "\u0000",
  "\uFEFF1",
  "١٢",
  "１２",
  ".",
  "..",
  "...",
  "%2e%2e",
  "%2E",
  "a/b",
  "a//b",
  "%2F",
  "%2f..%2f",
  "%00",
  "%",
  "%zz",
  "%E0%A4%A",
  "%C0%AF",
  "%FF",
  "%ED%A0%80",
  "a b",
  "a+b",
  "a?b=c",
  "a#b",
  "a;b",
  "<script>",
  "'",
  '"',
  "\\",
  "x".repeat(5000),
];

const segmentArb: fc.Arbitrary<string> = fc.oneof(
  { withCrossShrink: true },
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_SEGMENTS) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String) },
  { weight: 1, arbitrary: fc.stringMatching(/^(0x)?[0-9a-fA-F]{0,70}$/) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary-ascii", maxLength: 12 }) },
);

/** Values that look right for a parameter of this name (the app's own data), so deep paths are reached. */
function knownValues(name: string, pools: FuzzPools): string[] {
  const hashes = pools.blockHashes;
  switch (name) {
    case "chain":
      return [...pools.chains];
    case "blockId":
      return [
        ...["0", "1", "9", "10", "12", "15", "17", "20", "22", "25", "30", "31", "1000", "9007199254740991"],
        "latest",
        "finalized",
        ...hashes.slice(8, 26),
        `0x${(hashes[17] ?? "").slice(2).toUpperCase()}`,
        `0x${"99".repeat(32)}`,
      ];
    case "txHash":
      return [...pools.txHashes, (pools.txHashes[0] ?? "").toUpperCase().replace("0X", "0x"), `0x${hex(32)}`];
    case "id":
      return [...pools.submissionIds, `c_${hex(20)}`, `v_${hex(20)}`];
    case "fpBtcPk":
      return [...pools.fpKeys, ...pools.fpKeys.map((k) => k.toUpperCase()), hex(32)];
    case "height":
      return [...pools.evidenceHeights, "17", "0", "022", U64_MAX, U64_OVER, "99999999999999999999"];
    default:
      return [];
  }
}

type Encoding = "raw" | "encoded" | "double";

function encodeSegment(value: string, encoding: Encoding): string {
  try {
    if (encoding === "encoded") return encodeURIComponent(value);
    if (encoding === "double") return encodeURIComponent(encodeURIComponent(value));
  } catch {
    // A lone surrogate cannot be percent-encoded: send it raw (the URL parser replaces it).
  }
  return value;
}

function paramArb(param: { name: string; pattern?: string }, pools: FuzzPools) {
  const known = knownValues(param.name, pools);
  // Shrinking prefers earlier choices: known-good values first, so a minimal request looks like a real one.
  const choices: fc.WeightedArbitrary<string>[] = [];
  if (known.length > 0) choices.push({ weight: 8, arbitrary: fc.constantFrom(...known) });
  if (param.pattern) {
    choices.push({ weight: 2, arbitrary: fc.stringMatching(new RegExp(param.pattern), { maxLength: 80 }) });
  }
  choices.push({ weight: known.length > 0 ? 2 : 4, arbitrary: segmentArb });
  return fc.record({
    value: fc.oneof({ withCrossShrink: true }, ...choices),
    encoding: fc.constantFrom<Encoding>("raw", "raw", "raw", "raw", "encoded", "encoded", "double"),
  });
}

type PathMutation =
  | "none"
  | "trailing-slash"
  | "leading-double-slash"
  | "inner-double-slash"
  | "dot-segment"
  | "dot-dot-segment"
  | "encoded-slash"
  | "upper-case";

function mutatePath(path: string, mutation: PathMutation): string {
  switch (mutation) {
    case "none":
      return path;
    case "trailing-slash":
      return `${path}/`;
    case "leading-double-slash":
      return `/${path}`;
    case "inner-double-slash":
      return path.replace(/\/(?=[^/]*$)/, "//");
    case "dot-segment":
      return path.replace(/\/(?=[^/]*$)/, "/./");
    case "dot-dot-segment":
      return path.replace(/\/(?=[^/]*$)/, "/x/../");
    case "encoded-slash":
      return path.replace(/\/(?=[^/]*$)/, "%2F");
    case "upper-case":
      return path.toUpperCase();
  }
}

const pathMutationArb = fc.oneof(
  { withCrossShrink: true },
  { weight: 20, arbitrary: fc.constant<PathMutation>("none") },
  {
    weight: 4,
    arbitrary: fc.constantFrom<PathMutation>(
      "trailing-slash",
      "leading-double-slash",
      "inner-double-slash",
      "dot-segment",
      "dot-dot-segment",
      "encoded-slash",
      "upper-case",
    ),
  },
);

const QUERY_VALUES = [
  "",
  "0",
  "1",
  "2",
  "50",
  "100",
  "101",
  "-1",
  "1.5",
  "1e2",
  "1e400",
  "0x10",
  "0b1",
  "abc",
  U64_MAX,
  U64_OVER,
  "Infinity",
  "-Infinity",
  "NaN",
  "%20",
  "+5",
  "5%20",
  "%00",
  "%zz",
  "%E0%A4%A",
  "true",
  "null",
  "[]",
  "1,2",
  "１２",
  "1_000",
  "9".repeat(400),
];

function queryArb(params: { name: string }[]): fc.Arbitrary<string> {
  const documented = params.map((p) =>
    fc.option(fc.tuple(fc.constant(p.name), fc.constantFrom(...QUERY_VALUES)), { freq: 2 }),
  );
  const extra = fc.option(
    fc.constantFrom(
      "window=",
      "window",
      "window=5&window=6",
      "window[]=1",
      "window=1#frag",
      "%zz=1",
      "a=1",
      "&&",
      "=",
      "__proto__=1",
      "constructor=1",
    ),
    { freq: 4 },
  );
  return fc.tuple(fc.tuple(...documented), extra).map(([pairs, more]) => {
    const parts = pairs.filter((p): p is [string, string] => p !== null).map(([k, v]) => `${k}=${v}`);
    if (more !== null) parts.push(more);
    return parts.length > 0 ? `?${parts.join("&")}` : "";
  });
}

const CONTENT_TYPES = [
  "application/json; charset=utf-8",
  "application/json;charset=UTF-8",
  "APPLICATION/JSON",
  "application/problem+json",
  "application/vnd.api+json",
  "application/json; charset=latin1",
  "application/jsonx",
  "text/plain",
  "text/plain;charset=UTF-8",
  "text/json",
  "application/x-www-form-urlencoded",
  "multipart/form-data",
  "multipart/form-data; boundary=xyz",
  "application/octet-stream",
  "",
  ";;;",
  "garbage",
  "application/",
  "*/*",
];

function headersArb(etags: readonly string[]): fc.Arbitrary<Record<string, string>> {
  return fc
    .record({
      "content-type": fc.oneof(
        { withCrossShrink: true },
        { weight: 8, arbitrary: fc.constant<string | null>("application/json") },
        { weight: 2, arbitrary: fc.constant<string | null>(null) },
        { weight: 4, arbitrary: fc.constantFrom<string | null>(...CONTENT_TYPES) },
      ),
      "if-none-match": fc.option(
        fc.constantFrom(
          ...etags,
          ...etags.map((e) => `W/${e}`),
          ...etags.map((e) => `"x", ${e}`),
          "*",
          " * ",
          '"abc"',
          'W/"abc"',
          '"',
          '""',
          "W/",
          ",,,",
          "abc",
          '"a,b", "c"',
          `"${"x".repeat(8000)}"`,
          "\u00ff",
        ),
        { freq: 4 },
      ),
      origin: fc.option(fc.constantFrom("https://dapp.example", "null", "*", ""), { freq: 8 }),
      "access-control-request-method": fc.option(fc.constantFrom("POST", "GET", "DELETE", "X"), { freq: 10 }),
      "access-control-request-headers": fc.option(fc.constantFrom("content-type", "x-evil, authorization"), {
        freq: 12,
      }),
      "cf-connecting-ip": fc.option(fc.constantFrom("203.0.113.7", "::1", "", "not an ip"), { freq: 8 }),
      accept: fc.option(fc.constantFrom("application/json", "text/html", "*/*", "application/problem+json"), {
        freq: 10,
      }),
    })
    .map((h) => Object.fromEntries(Object.entries(h).filter((e): e is [string, string] => e[1] !== null)));
}

/** Raw JSON literals `JSON.stringify` cannot write (u64 edges beyond 2^53, exponents, negative zero). */
const RAW_NUMBERS = [
  U64_MAX,
  U64_OVER,
  "-1",
  "-0",
  "0.0",
  "1.5",
  "1e2",
  "1E+2",
  "1e400",
  "-1e400",
  "9007199254740993",
  "123456789012345678901234567890",
  "0.0000001",
].map((n) => `@@RAW:${n}@@`);

const DEEP = ["@@DEEP:1000:a@@", "@@DEEP:10000:a@@", "@@DEEP:10000:o@@", "@@DEEP:100000:a@@"];

const randomBytes = (max: number) => fc.uint8Array({ minLength: 0, maxLength: max });

/**
 * Field values by kind, weighted so that each kind turns up often in otherwise valid messages: wrong JSON
 * types, u64 edges (as numbers and strings), bad base64/hex and wrong byte lengths, objects that break
 * `String()` and prototype keys, deep nesting, huge strings, invalid UTF-8.
 */
const hostileValueArb: fc.Arbitrary<unknown> = fc.oneof(
  { withCrossShrink: true },
  {
    weight: 3,
    arbitrary: fc.constantFrom<unknown>(null, true, false, 0, 1, -1, 1.5, "", " ", [], [null], [1, 2, 3], {}),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom<unknown>(
      2 ** 53,
      Number.MAX_SAFE_INTEGER,
      "0",
      "-1",
      U64_MAX,
      U64_OVER,
      "0x10",
      "1e3",
      ...RAW_NUMBERS,
    ),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom<unknown>(
      "!!!!",
      "a===",
      "YQ",
      "YQ==",
      "YQ=",
      "-_-_",
      "AAAA\n",
      " AAAA",
      bytesToBase64(new Uint8Array(31)),
      bytesToBase64(new Uint8Array(33)),
      bytesToBase64(new Uint8Array(64)),
      bytesToBase64(new Uint8Array(65)),
      bytesToBase64(new Uint8Array(0)),
      hex(32),
      hex(32, "AB"),
      `0x${hex(32)}`,
      hex(31),
      hex(33),
      `${hex(32)}z`,
      "zz".repeat(32),
      "é".repeat(32),
      "😀",
      "\u0000",
      "\uD800",
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom<unknown>(
      { toString: 1 },
      { valueOf: 1, toString: 1 },
      { toString: "x", valueOf: "y" },
      { constructor: 1 },
      { length: 5 },
      // JSON.parse makes `__proto__` an own key, as the app's JSON.parse does with a request body.
      JSON.parse('{"__proto__":{"polluted":1}}'),
    ),
  },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(...DEEP) },
  // Well-typed but wrong: right-length bytes and plausible heights, so the crypto and height rules run.
  {
    weight: 3,
    arbitrary: fc.oneof(
      fc.uint8Array({ minLength: 32, maxLength: 32 }).map(bytesToBase64),
      fc.uint8Array({ minLength: 64, maxLength: 64 }).map(bytesToBase64),
      fc.uint8Array({ minLength: 32, maxLength: 32 }).map(bytesToHex),
      fc.integer({ min: 0, max: 400 }),
      fc.constantFrom(0, 11, 12, 13, 17, 107, 112, 201, 202, 1_000_000, 2 ** 32),
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom<unknown>("@@BIG:100000@@", "@@BIG:600000@@") },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>("@@HEX:ff@@", "@@HEX:c328@@", "@@HEX:c0af@@", "@@HEX:eda080@@"),
  },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((n) => `@@RAW:${n}@@`) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 2n ** 70n }).map(String) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: randomBytes(70).map(bytesToBase64) },
  { weight: 1, arbitrary: randomBytes(40).map(bytesToHex) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom<unknown>("AAAA", 1, null, hex(32)), { maxLength: 4 }) },
  {
    weight: 1,
    arbitrary: fc.array(fc.constant(bytesToBase64(new Uint8Array(32))), { minLength: 100, maxLength: 102 }),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

type Edit = { path: readonly string[]; op: "set" | "delete"; value: unknown };

/** Applies edits to a deep copy; keys such as `__proto__` become own properties (as JSON.parse makes them). */
function applyEdits(base: unknown, edits: readonly Edit[]): unknown {
  const root = structuredClone(base) as Record<string, unknown>;
  for (const { path, op, value } of edits) {
    let node: unknown = root;
    for (const key of path.slice(0, -1)) {
      if (typeof node !== "object" || node === null) break;
      const next = Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined;
      if (typeof next !== "object" || next === null) {
        const fresh = {};
        Object.defineProperty(node, key, {
          value: fresh,
          enumerable: true,
          writable: true,
          configurable: true,
        });
        node = fresh;
      } else node = next;
    }
    const last = path[path.length - 1];
    if (typeof node !== "object" || node === null || last === undefined) continue;
    if (op === "delete") delete (node as Record<string, unknown>)[last];
    else Object.defineProperty(node, last, { value, enumerable: true, writable: true, configurable: true });
  }
  return root;
}

const WEIRD_KEYS = [["__proto__"], ["toString"], ["constructor"], ["hasOwnProperty"], ["extra_field"]];

function mutatedArb(
  bases: readonly unknown[],
  fields: readonly (readonly string[])[],
): fc.Arbitrary<unknown> {
  const edit = fc.record({
    // Keys the schema does not know are a third of the edits: a message must not carry them past verification.
    path: fc.oneof(
      { withCrossShrink: true },
      { weight: 2, arbitrary: fc.constantFrom(...fields) },
      { weight: 1, arbitrary: fc.constantFrom(...WEIRD_KEYS) },
    ),
    op: fc.constantFrom<"set" | "delete">("set", "set", "set", "delete"),
    value: hostileValueArb,
  });
  // Mostly one edit, so the other fields stay valid and the edited one reaches the deepest check it can.
  const edits = fc.oneof(
    { withCrossShrink: true },
    { weight: 2, arbitrary: fc.constant<Edit[]>([]) },
    { weight: 5, arbitrary: fc.tuple(edit) },
    { weight: 2, arbitrary: fc.array(edit, { minLength: 2, maxLength: 3 }) },
  );
  return fc
    .record({ base: fc.constantFrom(...bases), edits })
    .map(({ base, edits }) => applyEdits(base, edits));
}

const COMMIT_FIELDS = [
  ["fp_pubkey_hex"],
  ["start_height"],
  ["num_pub_rand"],
  ["commitment"],
  ["signature"],
] as const;
const VOTE_FIELDS = [
  ["fp_pubkey_hex"],
  ["height"],
  ["pub_rand"],
  ["proof"],
  ["proof", "total"],
  ["proof", "index"],
  ["proof", "leaf_hash"],
  ["proof", "aunts"],
  ["proof", "aunts", "0"],
  ["block_hash"],
  ["signature"],
] as const;
const RANGE_FIELDS = [
  ["blocks"],
  ["blocks", "0"],
  ["blocks", "0", "number"],
  ["blocks", "0", "hash"],
  ["blocks", "1", "number"],
  ["blocks", "1", "hash"],
  ["blocks", "0", "extra"],
] as const;

/** A submission body: one (wrapped or bare) message, a short array, or 100/101 copies. */
function submissionBodyArb(kind: "commit" | "vote", pools: FuzzPools): fc.Arbitrary<BodySpec> {
  const message = mutatedArb(
    kind === "commit" ? pools.commits : pools.votes,
    kind === "commit" ? COMMIT_FIELDS : VOTE_FIELDS,
  );
  const wrapper = kind === "commit" ? "commit_public_randomness" : "submit_finality_signature";
  const other = kind === "commit" ? "submit_finality_signature" : "commit_public_randomness";
  const wrapped = fc
    .tuple(message, fc.constantFrom("bare", "bare", "bare", "own", "other", "own-twice", "own-plus-key"))
    .map(([m, how]) => {
      if (how === "own") return { [wrapper]: m };
      if (how === "other") return { [other]: m };
      if (how === "own-twice") return { [wrapper]: { [wrapper]: m } };
      if (how === "own-plus-key") return { [wrapper]: m, extra: 1 };
      return m;
    });
  return fc.oneof(
    { withCrossShrink: true },
    { weight: 6, arbitrary: wrapped.map((value): BodySpec => ({ kind: "json", value })) },
    {
      weight: 3,
      arbitrary: fc.array(wrapped, { maxLength: 3 }).map((value): BodySpec => ({ kind: "json", value })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(wrapped, fc.constantFrom(1, 100, 101, 1000))
        .map(([value, repeat]): BodySpec => ({ kind: "json", value, repeat })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom(...(kind === "commit" ? pools.commits : pools.votes)),
          fc.constantFrom(524_287, 524_288, 524_289, 600_000),
        )
        .map(([m, size]): BodySpec => ({ kind: "json", value: [m], pad: size })),
    },
    { weight: 1, arbitrary: repeatedFieldBodyArb(kind, pools) },
  );
}

/** A message from the pool with one of its fields (or a proof field) written a second time, first. */
function repeatedFieldBodyArb(kind: "commit" | "vote", pools: FuzzPools): fc.Arbitrary<BodySpec> {
  const fields =
    kind === "commit"
      ? ["fp_pubkey_hex", "start_height", "num_pub_rand", "commitment", "signature"]
      : [
          "fp_pubkey_hex",
          "height",
          "pub_rand",
          "block_hash",
          "signature",
          "proof",
          "proof.total",
          "proof.aunts",
        ];
  return fc
    .tuple(
      fc.constantFrom(...(kind === "commit" ? pools.commits : pools.votes)),
      fc.constantFrom(...fields),
      fc.boolean(),
    )
    .map(([message, field, inArray]): BodySpec => {
      const m = message as Record<string, Record<string, unknown>>;
      const [outer, inner] = field.split(".") as [string, string | undefined];
      let text = JSON.stringify(m);
      if (inner === undefined)
        text = text.replace(/^\{/, `{${JSON.stringify(outer)}:${JSON.stringify(m[outer])},`);
      else
        text = text.replace(
          `"${outer}":{`,
          `"${outer}":{${JSON.stringify(inner)}:${JSON.stringify(m[outer]?.[inner])},`,
        );
      return { kind: "text", text: inArray ? `[${text}]` : text, repeatsContractField: true };
    });
}

/** `{"blocks": [...]}` from consecutive canonical blocks (some past the fake chain's head), then edited. */
function rangeBodyArb(pools: FuzzPools): fc.Arbitrary<BodySpec> {
  const hashAt = (n: number) => pools.blockHashes[n] ?? fakeHash(BigInt(n));
  const range = (start: number, length: number) => ({
    blocks: Array.from({ length }, (_, i) => ({ number: start + i, hash: hashAt(start + i) })),
  });
  const bases = [
    range(10, 1),
    range(15, 6),
    range(8, 3),
    range(0, 31),
    range(20, 20),
    range(0, 100),
    range(0, 101),
    range(25, 10),
  ];
  return mutatedArb(bases, RANGE_FIELDS).map((value): BodySpec => ({ kind: "json", value }));
}

/** Bodies any route may be sent: empty, not JSON, scalars, deep nesting, invalid UTF-8, ~512 KiB. */
const genericBodyArb: fc.Arbitrary<BodySpec> = fc.oneof(
  { withCrossShrink: true },
  { weight: 2, arbitrary: fc.constant<BodySpec>({ kind: "none" }) },
  {
    weight: 6,
    arbitrary: fc
      .constantFrom(
        "",
        " ",
        "\n",
        "null",
        "0",
        "-1",
        "1e400",
        U64_OVER,
        '"str"',
        "true",
        "[]",
        "{}",
        "[{}]",
        "[null]",
        "{",
        "[",
        '{"a":',
        "nul",
        "{'a':1}",
        '{"a":1,}',
        "\uFEFF{}",
        "a=1&b=2",
        '--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--xyz--\r\n',
        '{"__proto__":{"polluted":1}}',
        '{"constructor":{"prototype":{"polluted":1}}}',
        "@@HEX:ff@@",
        "@@HEX:fffe@@",
        '{"a":"@@HEX:c328@@"}',
        '["@@HEX:eda080@@"]',
        "@@HEX:efbbbf@@{}",
        "@@HEX:00@@",
      )
      .map((text): BodySpec => ({ kind: "text", text })),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(...DEEP).map((value): BodySpec => ({ kind: "json", value })),
  },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value): BodySpec => ({ kind: "json", value })) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(524_287, 524_288, 524_289, 1_000_000)
      .map((size): BodySpec => ({ kind: "text", text: "{}", pad: size })),
  },
);

function bodyArbFor(route: DocRoute | null, pools: FuzzPools): fc.Arbitrary<BodySpec> {
  const template = route?.template ?? "";
  let specific: fc.Arbitrary<BodySpec> | null = null;
  if (template.endsWith("/public-randomness")) specific = submissionBodyArb("commit", pools);
  else if (template.endsWith("/finality-signatures")) specific = submissionBodyArb("vote", pools);
  else if (template.endsWith("/finality/range")) specific = rangeBodyArb(pools);
  else if (route && route.bodyTypes.length > 0) {
    specific = fc.jsonValue({ maxDepth: 4 }).map((value): BodySpec => ({ kind: "json", value }));
  }
  return specific
    ? fc.oneof(
        { withCrossShrink: true },
        { weight: 8, arbitrary: specific },
        { weight: 2, arbitrary: genericBodyArb },
      )
    : genericBodyArb;
}

const faultArb: fc.Arbitrary<Fault> = fc.oneof(
  { withCrossShrink: true },
  { weight: 24, arbitrary: fc.constant<Fault>("none") },
  { weight: 1, arbitrary: fc.constantFrom(...FAULTS) },
);

const methodArb = (documented: string) =>
  fc.oneof(
    { withCrossShrink: true },
    { weight: 8, arbitrary: fc.constant(documented) },
    { weight: 2, arbitrary: fc.constantFrom(...METHODS) },
  );

function documentedRequestArb(route: DocRoute, pools: FuzzPools): fc.Arbitrary<FuzzRequest> {
  const params = fc.tuple(...route.pathParams.map((p) => paramArb(p, pools)));
  return fc
    .record({
      method: methodArb(route.method),
      params,
      mutation: pathMutationArb,
      query: queryArb(route.queryParams),
      headers: headersArb(pools.etags),
      body: bodyArbFor(route, pools),
      fault: faultArb,
    })
    .map(({ method, params: values, mutation, query, headers, body, fault }) => {
      let i = 0;
      const path = route.template.replace(/\{[^}]+\}/g, () => {
        const p = values[i++];
        return p ? encodeSegment(p.value, p.encoding) : "";
      });
      return {
        route: route.template,
        method,
        // A mutation of a one-segment path may eat its leading slash; a request target always has one.
        target: `${mutatePath(path, mutation).replace(/^(?!\/)/, "/")}${query}`,
        headers,
        body,
        fault,
      };
    });
}

const UNDOCUMENTED_PATHS = [
  "/",
  "/v1",
  "/v1/",
  "/v1/chains/",
  "/v2/chains",
  "/V1/CHAINS",
  "/openapi.json/",
  "/openapi.yaml",
  "/docs/",
  "/healthz/x",
  "/v1/chains/op-devnet",
  "/v1/chains/op-devnet/",
  "/v1/chains/op-devnet/blocks",
  "/v1/chains/op-devnet/blocks/17",
  "/v1/chains/op-devnet/blocks/17/finality/extra",
  "/v1/chains/op-devnet/txs",
  "/v1/chains/op-devnet/finality",
  "/v1/chains/op-devnet/submissions",
  "/v1/chains/op-devnet/equivocations/x",
  "/v1/chains/%2e%2e/status",
  "/%2e%2e/%2e%2e/etc/passwd",
  "/v1/../healthz",
  "/v1/chains/op-devnet/../../openapi.json",
  "//",
  "///v1///chains",
  "/favicon.ico",
  "/.well-known/security.txt",
  "/__scheduled",
  `/${"a".repeat(10_000)}`,
  "/v1/chains/\u00e9",
  "/v1/chains/%FF",
  "/v1/chains/%",
  "/v1/chains?x=1",
  "/v1/chains#frag",
  "/*",
  "/v1/*",
];

function undocumentedRequestArb(routes: readonly DocRoute[], pools: FuzzPools): fc.Arbitrary<FuzzRequest> {
  // Documented templates with a segment too many or too few, so near-misses of real routes are covered.
  const near = fc
    .tuple(fc.constantFrom(...routes.map((r) => r.template)), fc.constantFrom("extra", "drop"))
    .map(([template, how]) => {
      const filled = template.replace(/\{[^}]+\}/g, "op-devnet");
      return how === "extra" ? `${filled}/more` : filled.replace(/\/[^/]*$/, "");
    });
  return fc
    .record({
      method: fc.constantFrom(...METHODS),
      path: fc.oneof(
        { withCrossShrink: true },
        { weight: 4, arbitrary: fc.constantFrom(...UNDOCUMENTED_PATHS) },
        { weight: 2, arbitrary: near },
        { weight: 2, arbitrary: fc.webPath().map((p) => (p.startsWith("/") ? p : `/${p}`)) },
      ),
      headers: headersArb(pools.etags),
      body: genericBodyArb,
      fault: faultArb,
    })
    .map(({ method, path, headers, body, fault }) => ({
      route: "undocumented",
      method,
      target: path,
      headers,
      body,
      fault,
    }));
}

/** Every documented route (equally likely), plus paths the document does not list. */
export function fuzzRequestArb(routes: readonly DocRoute[], pools: FuzzPools): fc.Arbitrary<FuzzRequest> {
  // Routes that take a body have the most input to get wrong: they get three times the traffic.
  const documented = fc.oneof(
    ...routes.map((r) => ({
      weight: r.bodyTypes.length > 0 ? 3 : 1,
      arbitrary: documentedRequestArb(r, pools),
    })),
  );
  return fc.oneof(
    { withCrossShrink: true },
    { weight: 9, arbitrary: documented },
    { weight: 1, arbitrary: undocumentedRequestArb(routes, pools) },
  );
}
