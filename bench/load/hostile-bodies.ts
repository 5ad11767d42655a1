/**
 * @module Hostile bodies for `POST …/public-randomness` and `…/finality-signatures`: well-shaped junk that names
 * a real FP (it passes the cheap checks and costs the edge its chain-state reads and proof/signature checks),
 * mutated fields and types, u64 edges, bad hex/base64, 0/1/101 messages, deep nesting, invalid UTF-8 and bodies
 * around the 512 KiB limit. Every one of them is something a correct edge must refuse with a 4xx problem, except
 * the replays of real votes (a duplicate may legitimately answer 200), hence `mustRefuse`.
 */
import type { Rng } from "./prng.ts";
import type { ChainFacts, RecentVote } from "./targets.ts";

export type SubmissionKind = "commit" | "vote";

export type HostileBody = {
  label: string;
  body: Buffer;
  /** A 2xx answer would mean the edge accepted junk. */
  mustRefuse: boolean;
  /** Send without Content-Length (chunked), so a body limit must count as it streams. */
  chunked?: boolean;
};

type Json = Record<string, unknown>;

/** The body limit of src/api/routes/submissions.ts (MAX_BODY_BYTES), mirrored: the bench must not import src/api. */
const BODY_LIMIT = 512 * 1024;

const b64 = (rng: Rng, n: number) => rng.bytes(n).toString("base64");
const hexToB64 = (hex: string) => Buffer.from(hex.replace(/^0x/, ""), "hex").toString("base64");

function fpKey(rng: Rng, chain: ChainFacts): string {
  return chain.fpKeys.length > 0 ? rng.pick(chain.fpKeys) : rng.bytes(32).toString("hex");
}

/** Heights around the live head: already voted, about to be voted, and not yet committed. */
function nearHead(rng: Rng, chain: ChainFacts): number {
  return Math.max(1, chain.head + rng.int(-20, 40));
}

function junkProof(rng: Rng, height: number): Json {
  return {
    total: 300,
    index: height % 300,
    leaf_hash: b64(rng, 32),
    aunts: Array.from({ length: 9 }, () => b64(rng, 32)),
  };
}

export function junkVote(rng: Rng, chain: ChainFacts): Json {
  const height = nearHead(rng, chain);
  return {
    fp_pubkey_hex: fpKey(rng, chain),
    height,
    pub_rand: b64(rng, 32),
    proof: junkProof(rng, height),
    block_hash: b64(rng, 32),
    signature: b64(rng, 32),
  };
}

export function junkCommit(rng: Rng, chain: ChainFacts): Json {
  return {
    fp_pubkey_hex: fpKey(rng, chain),
    // Mostly ahead of the head (a plausible next commit), sometimes overlapping what is committed.
    start_height: rng.chance(0.8) ? chain.head + rng.int(1, 2_000) : rng.int(1, Math.max(1, chain.head)),
    num_pub_rand: rng.int(1, 1_000),
    commitment: b64(rng, 32),
    signature: b64(rng, 64),
  };
}

/** A real vote's pub_rand, signature and block, with a proof that cannot be right. */
function replayWithJunkProof(rng: Rng, vote: RecentVote): Json {
  return {
    fp_pubkey_hex: vote.fpBtcPk,
    height: vote.height,
    pub_rand: hexToB64(vote.pubRand),
    proof: junkProof(rng, vote.height),
    block_hash: hexToB64(vote.blockHash),
    signature: hexToB64(vote.signature),
  };
}

/**
 * Raw JSON literals JSON.stringify cannot produce (2^64 − 1 exactly, 1e400, leading zeros): the value is a
 * placeholder string that `serialize` swaps for the literal.
 */
const RAW = "\u0000raw:";
const raw = (literal: string) => `${RAW}${literal}`;
function serialize(value: unknown): string {
  return JSON.stringify(value).replace(/"\\u0000raw:([^"]*)"/g, (_, literal: string) => literal);
}

const U64_EDGES = [
  raw("18446744073709551615"),
  raw("18446744073709551616"),
  raw("-1"),
  raw("1e308"),
  raw("1e400"),
  raw("-0"),
  raw("1.5"),
  raw("9007199254740993"),
  raw("00012"),
  "18446744073709551616",
  "12",
  0,
];

const BAD_HEX = [
  "zz".repeat(32),
  `${"ab".repeat(31)}a`,
  "ab".repeat(33),
  `0x${"ab".repeat(32)}`,
  "",
  "é".repeat(64),
];
const BAD_BASE64 = ["!!!!", "AAA", "-_-_-_-_", "AA==AA==", "====", " QUJD\nREVG ", "ÿÿÿÿ", "ab".repeat(32)];

/** Replaces (or removes) the value at `path` with a value of the wrong kind. */
function mutate(rng: Rng, message: Json): { label: string; message: Json } {
  const copy = structuredClone(message);
  const paths = Object.keys(copy).flatMap((k) =>
    k === "proof" ? ["proof", "proof.total", "proof.index", "proof.leaf_hash", "proof.aunts"] : [k],
  );
  const path = rng.pick(paths);
  const [head, tail] = path.split(".") as [string, string | undefined];
  const holder = (tail ? copy[head] : copy) as Json;
  const key = tail ?? head;
  const replacements: [string, unknown][] = [
    ["null", null],
    ["true", true],
    ["object", { nested: holder[key] }],
    ["array", [holder[key]]],
    ["empty-string", ""],
    ["long-string", "A".repeat(10_000)],
    ["number", 12_345],
    ["string", String(holder[key])],
    ["u64-edge", rng.pick(U64_EDGES)],
  ];
  if (rng.chance(0.15)) {
    delete holder[key];
    return { label: `missing ${path}`, message: copy };
  }
  const [kind, value] = rng.pick(replacements);
  holder[key] = value;
  return { label: `${path}=${kind}`, message: copy };
}

function messageOf(rng: Rng, chain: ChainFacts, kind: SubmissionKind): Json {
  return kind === "vote" ? junkVote(rng, chain) : junkCommit(rng, chain);
}

const U64_FIELDS: Record<SubmissionKind, string[]> = {
  vote: ["height", "proof.total", "proof.index"],
  commit: ["start_height", "num_pub_rand"],
};
const B64_FIELDS: Record<SubmissionKind, string[]> = {
  vote: ["pub_rand", "block_hash", "signature", "proof.leaf_hash"],
  commit: ["commitment", "signature"],
};

function setPath(message: Json, path: string, value: unknown): void {
  const [head, tail] = path.split(".") as [string, string | undefined];
  if (tail) (message[head] as Json)[tail] = value;
  else message[head] = value;
}

/** Bytes that are not UTF-8 (a lone continuation byte, an overlong slash, a UTF-16 surrogate, 0xFF). */
const INVALID_UTF8 = [[0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff, 0xfe]];

function invalidUtf8(rng: Rng, chain: ChainFacts, kind: SubmissionKind): HostileBody {
  const text = serialize(messageOf(rng, chain, kind));
  const bad = Buffer.from(rng.pick(INVALID_UTF8));
  const where = rng.pick(["in-string", "between-tokens", "bom+utf16"] as const);
  if (where === "bom+utf16") {
    return { label: "utf-16 with BOM", body: Buffer.from(`\ufeff${text}`, "utf16le"), mustRefuse: true };
  }
  // Inside the first string value, or right after the opening brace (outside any string).
  const at = where === "in-string" ? text.indexOf('":"') + 3 : 1;
  const body = Buffer.concat([Buffer.from(text.slice(0, at)), bad, Buffer.from(text.slice(at))]);
  return { label: `invalid utf-8 ${where}`, body, mustRefuse: true };
}

function deepNesting(rng: Rng, chain: ChainFacts, kind: SubmissionKind): HostileBody {
  const depth = rng.pick([5_000, 5_000, 50_000]);
  const shape = rng.pick(["array", "object", "in-field"] as const);
  if (shape === "array") {
    return {
      label: `${depth}-deep arrays`,
      body: Buffer.from("[".repeat(depth) + "]".repeat(depth)),
      mustRefuse: true,
    };
  }
  if (shape === "object") {
    const text = `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
    return { label: `${depth}-deep objects`, body: Buffer.from(text), mustRefuse: true };
  }
  const text = serialize({
    ...messageOf(rng, chain, kind),
    proof: raw("[".repeat(depth) + "]".repeat(depth)),
  });
  return { label: `${depth}-deep array as a field`, body: Buffer.from(text), mustRefuse: true };
}

/** A well-formed message padded (inside a string field) to exactly `size` bytes. */
function paddedTo(rng: Rng, chain: ChainFacts, kind: SubmissionKind, size: number): Buffer {
  const message = messageOf(rng, chain, kind);
  const field = kind === "vote" ? "pub_rand" : "commitment";
  message[field] = "";
  const base = Buffer.byteLength(serialize(message));
  message[field] = "A".repeat(Math.max(0, size - base));
  return Buffer.from(serialize(message));
}

function aroundLimit(rng: Rng, chain: ChainFacts, kind: SubmissionKind): HostileBody {
  const variant = rng.pick(["under", "at", "over", "over-chunked"] as const);
  const size = {
    under: BODY_LIMIT - 64,
    at: BODY_LIMIT,
    over: BODY_LIMIT + 1,
    "over-chunked": BODY_LIMIT + 4096,
  };
  return {
    label: `body ${variant} 512 KiB`,
    body: paddedTo(rng, chain, kind, size[variant]),
    mustRefuse: true,
    ...(variant === "over-chunked" ? { chunked: true } : {}),
  };
}

function count(rng: Rng, chain: ChainFacts, kind: SubmissionKind): HostileBody {
  const n = rng.pick([0, 1, 100, 101]);
  const messages = Array.from({ length: n }, () => messageOf(rng, chain, kind));
  return { label: `array of ${n}`, body: Buffer.from(serialize(messages)), mustRefuse: true };
}

export type BodyFamily =
  | "junk"
  | "mutated"
  | "u64"
  | "encoding"
  | "count"
  | "nesting"
  | "utf8"
  | "size"
  | "replay";

/** One hostile body of the given family (a `replay` falls back to junk when no real vote is known). */
export function hostileBody(
  rng: Rng,
  chain: ChainFacts,
  kind: SubmissionKind,
  family: BodyFamily,
): HostileBody {
  switch (family) {
    case "junk": {
      const wrapped = rng.chance(0.2);
      const message = messageOf(rng, chain, kind);
      const wrapper = kind === "vote" ? "submit_finality_signature" : "commit_public_randomness";
      const body = serialize(wrapped ? { [wrapper]: message } : message);
      return {
        label: `junk naming a real FP${wrapped ? " (wrapped)" : ""}`,
        body: Buffer.from(body),
        mustRefuse: true,
      };
    }
    case "mutated": {
      const { label, message } = mutate(rng, messageOf(rng, chain, kind));
      return { label: `mutated ${label}`, body: Buffer.from(serialize(message)), mustRefuse: true };
    }
    case "u64": {
      const message = messageOf(rng, chain, kind);
      const field = rng.pick(U64_FIELDS[kind]);
      const value = rng.pick(U64_EDGES);
      setPath(message, field, value);
      const shown = typeof value === "string" ? value.replace(RAW, "") : JSON.stringify(value);
      return { label: `${field}=${shown}`, body: Buffer.from(serialize(message)), mustRefuse: true };
    }
    case "encoding": {
      const message = messageOf(rng, chain, kind);
      const hex = rng.chance(0.4);
      const field = hex ? "fp_pubkey_hex" : rng.pick(B64_FIELDS[kind]);
      setPath(message, field, rng.pick(hex ? BAD_HEX : BAD_BASE64));
      return {
        label: `bad ${hex ? "hex" : "base64"} ${field}`,
        body: Buffer.from(serialize(message)),
        mustRefuse: true,
      };
    }
    case "count":
      return count(rng, chain, kind);
    case "nesting":
      return deepNesting(rng, chain, kind);
    case "utf8":
      return invalidUtf8(rng, chain, kind);
    case "size":
      return aroundLimit(rng, chain, kind);
    case "replay": {
      if (kind !== "vote" || chain.votes.length === 0) return hostileBody(rng, chain, kind, "junk");
      const body = serialize(replayWithJunkProof(rng, rng.pick(chain.votes)));
      return { label: "real vote, junk proof", body: Buffer.from(body), mustRefuse: false };
    }
  }
}
