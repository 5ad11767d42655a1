/**
 * @module Webhook signatures, so a receiver can tell a delivery came from this edge and was not replayed later:
 * `Finality-Edge-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. The timestamp is inside
 * the MAC, so an old delivery cannot be re-sent with a fresh `t`; several `v1=` values let a sender sign with an
 * old and a new secret while a receiver rotates. WebCrypto only, so the same code signs in workerd and verifies in
 * Node or a browser.
 */
import { bytesToBase64, bytesToHex, equalBytes, utf8ToBytes } from "../crypto/bytes.ts";

export const WEBHOOK_SIGNATURE_HEADER = "Finality-Edge-Signature";

/** Receivers refuse signatures whose `t` is further than this from their clock (either direction). */
export const DEFAULT_TOLERANCE_SEC = 300;

const SECRET_PREFIX = "whsec_";
// Bounds on what a verifier parses, so a hostile header costs little.
const MAX_HEADER_LENGTH = 4096;
const MAX_SIGNATURES = 8;
const HEX64 = /^[0-9a-f]{64}$/;
const SECONDS = /^[0-9]{1,12}$/;

/** UTF-8 bytes in a plain ArrayBuffer (what WebCrypto's DOM typings ask for). */
const utf8 = (text: string): Uint8Array<ArrayBuffer> => new Uint8Array(utf8ToBytes(text));

async function hmacSha256(secret: string, message: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", utf8(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, utf8(message)));
}

/** The signature header value for `body` sent at `timestampSec` (whole unix seconds). */
export async function signWebhook(secret: string, timestampSec: number, body: string): Promise<string> {
  if (!Number.isSafeInteger(timestampSec) || timestampSec < 0) {
    throw new RangeError(`timestampSec must be a non-negative integer (got ${timestampSec})`);
  }
  // WebCrypto refuses zero-length HMAC keys; say why instead of surfacing its DataError.
  if (secret.length === 0) throw new RangeError("webhook secret is empty");
  const mac = await hmacSha256(secret, `${timestampSec}.${body}`);
  return `t=${timestampSec},v1=${bytesToHex(mac)}`;
}

export type VerifyWebhookSignatureInput = {
  /** The `Finality-Edge-Signature` header as received (absent → not verified). */
  header: string | null | undefined;
  /** The raw request body exactly as received, before any JSON parsing. */
  body: string;
  /** The webhook's secret; during a rotation, the old and new ones (any may match). */
  secret: string | readonly string[];
  toleranceSec?: number;
  /** The receiver's clock, unix seconds; defaults to now. */
  nowSec?: number;
};

type ParsedHeader = { t: number; v1: Uint8Array[] };

function parseHeader(header: string): ParsedHeader | null {
  if (header.length > MAX_HEADER_LENGTH) return null;
  let t: number | undefined;
  const v1: Uint8Array[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) return null;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === "t") {
      if (t !== undefined || !SECONDS.test(value)) return null;
      t = Number(value);
    } else if (key === "v1") {
      const hex = value.toLowerCase();
      if (!HEX64.test(hex) || v1.length >= MAX_SIGNATURES) return null;
      v1.push(Uint8Array.from(hex.match(/../g) as string[], (byte) => Number.parseInt(byte, 16)));
    }
    // Other keys (future schemes such as v2) are ignored, so senders can add them without breaking receivers.
  }
  return t === undefined || v1.length === 0 ? null : { t, v1 };
}

/**
 * True when `header` carries a `v1` signature of `body` under (one of) `secret` whose timestamp is within
 * `toleranceSec` of `nowSec`. Any malformed input is `false`, never a throw.
 */
export async function verifyWebhookSignature(input: VerifyWebhookSignatureInput): Promise<boolean> {
  try {
    const { header, body, secret, toleranceSec = DEFAULT_TOLERANCE_SEC } = input;
    if (typeof header !== "string" || typeof body !== "string") return false;
    if (!Number.isFinite(toleranceSec) || toleranceSec < 0) return false;
    const secrets = typeof secret === "string" ? [secret] : Array.isArray(secret) ? secret : [];
    const usable = secrets.filter((s): s is string => typeof s === "string" && s.length > 0);
    if (usable.length === 0) return false;
    const parsed = parseHeader(header);
    if (!parsed) return false;
    const nowSec = input.nowSec ?? Math.floor(Date.now() / 1000);
    if (!Number.isFinite(nowSec) || Math.abs(nowSec - parsed.t) > toleranceSec) return false;
    const message = `${parsed.t}.${body}`;
    let ok = false;
    for (const s of usable) {
      const expected = await hmacSha256(s, message);
      // Compare against every candidate without stopping early: timing says nothing about which one matched.
      for (const candidate of parsed.v1) ok = equalBytes(expected, candidate) || ok;
    }
    return ok;
  } catch {
    return false;
  }
}

/** A fresh secret: 32 random bytes as `whsec_<base64url, no padding>`. */
export function newWebhookSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const base64url = bytesToBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return `${SECRET_PREFIX}${base64url}`;
}
