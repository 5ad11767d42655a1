/**
 * @module The request mix of one load client, drawn from a seeded PRNG: valid reads, hostile submissions (bodies
 * from hostile-bodies.ts, also under wrong content types), odd paths and headers, and requests whose client
 * disconnects 2–40 ms after sending them (sent over a raw socket, see raw-socket.ts).
 *
 * Left out on purpose: what workerd itself answers before the Worker runs (non-standard method tokens → 501,
 * URIs over its limit → 414, both text/plain), since the Worker cannot change those answers.
 */
import { type BodyFamily, hostileBody, junkVote, type SubmissionKind } from "./hostile-bodies.ts";
import type { Rng } from "./prng.ts";
import type { ChainFacts } from "./targets.ts";

export type RequestGroup = "read" | "submit" | "odd" | "disconnect";

export type HttpRequestSpec = {
  transport: "http";
  group: Exclude<RequestGroup, "disconnect">;
  /** Coarse kind, for the per-family table (bounded cardinality). */
  family: string;
  /** What exactly was sent, for examples. */
  label: string;
  method: string;
  /** Sent as is: dot segments and double slashes reach the server unnormalized. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  chunked?: boolean;
  /** Junk a correct edge must refuse: a 2xx answer is counted as accepted junk. */
  mustRefuse?: boolean;
};

export type DisconnectSpec = {
  transport: "disconnect";
  group: "disconnect";
  family: string;
  label: string;
  /** The whole request (head and body). */
  raw: Buffer;
  /** Bytes written before the client goes away (less than raw.length: it leaves mid-body). */
  sendBytes: number;
  closeAfterMs: number;
  /** `reset`: TCP RST (resetAndDestroy); `close`: FIN (destroy). */
  mode: "reset" | "close";
};

export type RequestSpec = HttpRequestSpec | DisconnectSpec;

const JSON_TYPE = { "content-type": "application/json" };
const hash32 = (rng: Rng) => `0x${rng.bytes(32).toString("hex")}`;
const chainPath = (chain: ChainFacts, rest: string) => `/v1/chains/${chain.id}${rest}`;

function get(family: string, path: string, headers: Record<string, string> = {}): HttpRequestSpec {
  return { transport: "http", group: "read", family, label: `GET ${path}`, method: "GET", path, headers };
}

type Draw<T> = { weight: number; make: (rng: Rng, chain: ChainFacts) => T };

const READS: Draw<HttpRequestSpec>[] = [
  {
    weight: 8,
    make: (rng, c) =>
      get("block by number", chainPath(c, `/blocks/${Math.max(1, c.head + rng.int(-60, 3))}/finality`)),
  },
  {
    weight: 4,
    make: (rng, c) => {
      const known = c.knownHashes.length > 0 && rng.chance(0.8);
      return get(
        "block by hash",
        chainPath(c, `/blocks/${known ? rng.pick(c.knownHashes) : hash32(rng)}/finality`),
      );
    },
  },
  { weight: 3, make: (_, c) => get("block latest", chainPath(c, "/blocks/latest/finality")) },
  { weight: 3, make: (_, c) => get("block finalized", chainPath(c, "/blocks/finalized/finality")) },
  { weight: 4, make: (rng, c) => get("tx unknown", chainPath(c, `/txs/${hash32(rng)}/finality`)) },
  {
    weight: 4,
    make: (rng, c) => {
      const first = Math.max(1, c.tip - rng.int(0, 5));
      const blocks = Array.from({ length: rng.int(1, 5) }, (_, i) => ({
        number: first + i,
        hash: i === 0 && c.knownHashes.length > 0 ? rng.pick(c.knownHashes) : hash32(rng),
      }));
      const path = chainPath(c, "/finality/range");
      return {
        ...get("range", path, JSON_TYPE),
        method: "POST",
        label: `POST ${path}`,
        body: Buffer.from(JSON.stringify({ blocks })),
      };
    },
  },
  { weight: 4, make: (_, c) => get("status", chainPath(c, "/status")) },
  {
    weight: 3,
    // window=100 fans out to 100 L2 and 100 Babylon reads: legitimate, expensive, so rare.
    make: (rng, c) =>
      get(
        "finality-providers",
        chainPath(c, `/finality-providers?window=${rng.chance(0.1) ? 100 : rng.int(1, 20)}`),
      ),
  },
  { weight: 2, make: () => get("chains", "/v1/chains") },
  { weight: 1, make: () => get("openapi", "/openapi.json") },
  { weight: 2, make: (rng) => get("health", rng.pick(["/healthz", "/readyz"])) },
  { weight: 1, make: (_, c) => get("metrics", chainPath(c, "/submission-metrics")) },
  {
    weight: 1,
    make: (rng, c) =>
      get("submission unknown", chainPath(c, `/submissions/v_${rng.bytes(20).toString("hex")}`)),
  },
];

/** Body families and their weights within the hostile submissions. */
const FAMILIES: { weight: number; family: BodyFamily }[] = [
  { weight: 7, family: "junk" },
  { weight: 8, family: "mutated" },
  { weight: 5, family: "u64" },
  { weight: 4, family: "encoding" },
  { weight: 3, family: "count" },
  { weight: 2, family: "nesting" },
  { weight: 2, family: "utf8" },
  { weight: 1, family: "size" },
  { weight: 2, family: "replay" },
];

/** Content types a JSON body may arrive with; only the first is right. */
const CONTENT_TYPES: (string | undefined)[] = [
  "application/json",
  "text/plain",
  undefined,
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=----load",
  "application/json; charset=latin1",
  "APPLICATION/JSON",
  "application/problem+json",
];

function submission(rng: Rng, chain: ChainFacts): HttpRequestSpec {
  const kind: SubmissionKind = rng.chance(0.65) ? "vote" : "commit";
  const path = chainPath(chain, kind === "vote" ? "/finality-signatures" : "/public-randomness");
  // One in five carries a wrong (or no) content type around otherwise plain junk.
  const wrongType = rng.chance(0.2);
  // Replays need real votes; commits have none to replay.
  const families = kind === "vote" ? FAMILIES : FAMILIES.filter((f) => f.family !== "replay");
  const family = wrongType ? "junk" : rng.weighted(families).family;
  const hostile = hostileBody(rng, chain, kind, family);
  const contentType = wrongType ? rng.pick(CONTENT_TYPES.slice(1)) : "application/json";
  return {
    transport: "http",
    group: "submit",
    family: wrongType ? `content-type ${contentType ?? "(none)"}` : `${kind} ${family}`,
    label: `POST ${kind} ${hostile.label}${wrongType ? ` as ${contentType ?? "no content type"}` : ""}`,
    method: "POST",
    path,
    headers: contentType ? { "content-type": contentType } : {},
    body: hostile.body,
    ...(hostile.chunked ? { chunked: true } : {}),
    mustRefuse: hostile.mustRefuse,
  };
}

/** Paths that a normalizing client would never send, and names no registry should resolve. */
function oddPath(rng: Rng, c: ChainFacts): string {
  return rng.pick([
    `/v1/chains/../chains/${c.id}/./status`,
    `/v1/chains/${c.id}/blocks/../blocks/latest/finality`,
    `/v1/chains/%2e%2e/${c.id}/status`,
    `//v1//chains//${c.id}//status`,
    `/v1/chains/${c.id}//blocks/latest/finality`,
    "/v1/chains/no-such-chain/status",
    "/v1/chains/__proto__/status",
    "/v1/chains/constructor/finality-providers",
    "/v1/chains/toString/blocks/latest/finality",
    `/v1/chains/${"x".repeat(200)}/status`,
    `/v1/chains/${c.id.replace("e", "%65")}/status`,
    `/v1/chains/${c.id}%00/status`,
    `/v1/chains/${c.id}/blocks/%FF%FE/finality`,
    `/v1/chains/${c.id}/blocks/%252e%252e/finality`,
    `/v1/chains/${c.id}/blocks/${"9".repeat(40)}/finality`,
    `/v1/chains/${c.id}/blocks/-1/finality`,
    `/v1/chains/${c.id}/blocks/0x${"zz".repeat(32)}/finality`,
    `/v1/chains/${c.id}/status/${"a".repeat(7_000)}`,
    `/v1/chains/${c.id}/finality-providers?window=${rng.pick(["-1", "0", "101", "1e3", "abc", "5&window=6"])}`,
    `/v1/chains/${c.id}/status?${"q=1&".repeat(1_500)}`,
    `/v1/chains/${c.id}/equivocations/${"A".repeat(64)}/1`,
  ]);
}

function odd(rng: Rng, c: ChainFacts): HttpRequestSpec {
  const variant = rng.int(0, 4);
  if (variant <= 1) return { ...get("odd path", oddPath(rng, c)), group: "odd" };
  if (variant === 2) {
    const etags = Array.from({ length: 400 }, () => `"${rng.bytes(16).toString("hex")}"`).join(", ");
    return {
      ...get("huge if-none-match", chainPath(c, "/status"), { "if-none-match": etags }),
      group: "odd",
    };
  }
  if (variant === 3) {
    const accept = rng.pick([
      "*/*;q=0, application/problem+json;q=2",
      "text/html",
      "application/xml;q=0.9, image/*",
      `${"application/json;q=0.5, ".repeat(200)}*/*`,
      "\u00ff\u00fe",
    ]);
    return { ...get("weird accept", chainPath(c, "/blocks/latest/finality"), { accept }), group: "odd" };
  }
  const method = rng.pick(["PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]);
  const path = rng.pick([chainPath(c, "/status"), chainPath(c, "/finality-signatures"), "/v1/chains"]);
  const headers: Record<string, string> =
    method === "OPTIONS" ? { origin: "https://evil.example", "access-control-request-method": "POST" } : {};
  return { ...get(`method ${method}`, path, headers), group: "odd", method, label: `${method} ${path}` };
}

/** A request whose client goes away 2–40 ms after sending all of it, or in the middle of its body. */
function disconnect(rng: Rng, c: ChainFacts, client: ClientIdentity): DisconnectSpec {
  const post = rng.chance(0.5);
  const body = post ? Buffer.from(JSON.stringify(junkVote(rng, c))) : Buffer.alloc(0);
  const path = post
    ? chainPath(c, "/finality-signatures")
    : rng.pick([
        chainPath(c, "/blocks/latest/finality"),
        chainPath(c, `/blocks/${Math.max(1, c.head - rng.int(0, 30))}/finality`),
        chainPath(c, "/status"),
        chainPath(c, "/finality-providers?window=50"),
        "/readyz",
      ]);
  const extra = Object.entries(client.headers).map(([k, v]) => `${k}: ${v}\r\n`);
  const head =
    `${post ? "POST" : "GET"} ${path} HTTP/1.1\r\nhost: ${client.host}\r\n${extra.join("")}` +
    (post ? `content-type: application/json\r\ncontent-length: ${body.length}\r\n` : "") +
    "\r\n";
  const raw = Buffer.concat([Buffer.from(head), body]);
  const midBody = post && rng.chance(0.3);
  const mode = rng.chance(0.5) ? "reset" : "close";
  return {
    transport: "disconnect",
    group: "disconnect",
    family: `${post ? "POST vote" : "GET"} then ${mode}${midBody ? " mid-body" : ""}`,
    label: `${post ? "POST" : "GET"} ${path}`,
    raw,
    sendBytes: midBody ? head.length + Math.floor(body.length / 2) : raw.length,
    closeAfterMs: rng.int(2, 40),
    mode,
  };
}

const GROUPS: { weight: number; group: RequestGroup }[] = [
  { weight: 45, group: "read" },
  { weight: 40, group: "submit" },
  { weight: 8, group: "odd" },
  { weight: 7, group: "disconnect" },
];

/** Who sends: the Host header of raw requests, and headers every request of this client carries. */
export type ClientIdentity = { host: string; headers: Record<string, string> };

/** Draws one request against one of `chains` (never empty). */
export function nextRequest(rng: Rng, chains: readonly ChainFacts[], client: ClientIdentity): RequestSpec {
  const chain = rng.pick(chains);
  switch (rng.weighted(GROUPS).group) {
    case "read":
      return rng.weighted(READS).make(rng, chain);
    case "submit":
      return submission(rng, chain);
    case "odd":
      return odd(rng, chain);
    case "disconnect":
      return disconnect(rng, chain, client);
  }
}
