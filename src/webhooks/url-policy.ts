/**
 * @module Which URLs a webhook may point at. Deliveries are POSTs the edge makes on a stranger's behalf, so a
 * webhook must not become a way to reach the edge's own network (SSRF) or to leak credentials: HTTPS to a public
 * host only; plain HTTP to loopback only in development.
 *
 * Hosts are judged after WHATWG URL parsing, which already rewrites every IPv4 spelling (`2130706433`,
 * `0x7f.1`, `0177.0.0.1`) to dotted decimal and IPv6 to its compressed lowercase form, so one check per range
 * suffices. A DNS name that resolves to a private address cannot be caught here: a Worker has no DNS API. In
 * production Cloudflare's `fetch` refuses private and internal targets itself; this policy is the part that can
 * be decided from the URL alone, and it also holds where that protection does not (Node, `wrangler dev`).
 */
import { InvalidRequestError } from "../api/errors.ts";

export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** The rule a refused URL broke. */
export type WebhookUrlRule = "length" | "absolute" | "scheme" | "credentials" | "fragment" | "host";

/** A webhook URL the policy refuses: a 400 (`invalid_request`) with field `url`; `rule` names what it broke. */
export class WebhookUrlRejectedError extends InvalidRequestError {
  override name = "WebhookUrlRejectedError";
  readonly rule: WebhookUrlRule;
  constructor(rule: WebhookUrlRule, details: string) {
    super("url", details);
    this.rule = rule;
  }
}

export type WebhookUrlOptions = {
  /** Development: also take `http:` to 127.0.0.0/8, [::1] and `localhost`, and skip the host checks. */
  allowLoopback: boolean;
};

/** Returns the parsed URL (store its `href`, the normalised form) or throws {@link WebhookUrlRejectedError}. */
export function checkWebhookUrl(raw: string, options: WebhookUrlOptions): URL {
  if (typeof raw !== "string") throw new WebhookUrlRejectedError("absolute", "url must be a string.");
  const tooLong = `url must be at most ${MAX_WEBHOOK_URL_LENGTH} characters.`;
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) throw new WebhookUrlRejectedError("length", tooLong);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookUrlRejectedError("absolute", "url must be an absolute URL (https://host/path).");
  }
  // Percent-encoding during parsing can lengthen it; the stored form is the one bounded.
  if (url.href.length > MAX_WEBHOOK_URL_LENGTH) throw new WebhookUrlRejectedError("length", tooLong);
  const host = url.hostname.toLowerCase();
  const loopbackHttp = url.protocol === "http:" && options.allowLoopback && isLoopback(host);
  if (url.protocol !== "https:" && !loopbackHttp) {
    throw new WebhookUrlRejectedError(
      "scheme",
      options.allowLoopback
        ? "url must use https: (http: is taken only to 127.0.0.0/8, [::1] or localhost)."
        : "url must use https:.",
    );
  }
  if (url.username !== "" || url.password !== "") {
    throw new WebhookUrlRejectedError("credentials", "url must not contain a user name or password.");
  }
  // `hash` is "" for a bare trailing `#` too; the serialised form keeps it.
  if (url.href.includes("#"))
    throw new WebhookUrlRejectedError("fragment", "url must not contain a fragment (#).");
  if (!options.allowLoopback) {
    const reason = refusedHost(host);
    if (reason) throw new WebhookUrlRejectedError("host", `url host ${reason}; use a public host name.`);
  }
  return url;
}

function isLoopback(host: string): boolean {
  if (host === "localhost" || host === "localhost.") return true;
  if (host === "[::1]") return true;
  const v4 = parseIPv4(host);
  return v4 !== null && v4[0] === 127;
}

/** Why `host` (a normalised hostname) is refused, or null. */
function refusedHost(host: string): string | null {
  const name = host.endsWith(".") ? host.slice(0, -1) : host;
  for (const suffix of ["localhost", "local", "internal"]) {
    if (name === suffix || name.endsWith(`.${suffix}`)) return `is a local name (${suffix})`;
  }
  const v4 = parseIPv4(host);
  if (v4) return refusedIPv4(v4) ? "is a private or special-purpose IPv4 address" : null;
  if (host.startsWith("[")) {
    const v6 = parseIPv6(host.slice(1, -1));
    // The parser already accepted it; an unparsable form here would be a policy bug, so refuse it.
    if (!v6) return "is an IPv6 address this policy cannot read";
    return refusedIPv6(v6) ? "is a private or special-purpose IPv6 address" : null;
  }
  return null;
}

function parseIPv4(host: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const octets = m.slice(1).map(Number);
  return octets.every((o) => o <= 255) ? octets : null;
}

/** The IPv4 networks refused (RFC 6890 special-purpose and RFC 1918 private). */
function refusedIPv4(octets: readonly number[]): boolean {
  const [a = 0, b = 0, c = 0] = octets;
  return (
    a === 0 || // "this network"
    a === 10 ||
    (a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
    a === 127 ||
    (a === 169 && b === 254) || // link-local (cloud metadata services live here)
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 0 && c === 0) || // IETF protocol assignments
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    a >= 224 // multicast, reserved, broadcast
  );
}

/**
 * The eight 16-bit groups of an IPv6 literal as WHATWG URL serialises it (lowercase hex groups, at most one
 * `::`, never a dotted IPv4 tail), or null for anything else.
 */
function parseIPv6(text: string): number[] | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  const explicit = [...head, ...tail];
  if (!explicit.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  if (halves.length === 2 ? explicit.length > 7 : explicit.length !== 8) return null;
  const zeros = new Array<string>(8 - explicit.length).fill("0");
  return [...head, ...zeros, ...tail].map((g) => Number.parseInt(g, 16));
}

function refusedIPv6(g: number[]): boolean {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const v4 = [g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff];
  const upperZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (upperZero && g5 === 0) return true; // ::/96: unspecified, loopback, deprecated IPv4-compatible
  if (upperZero && g5 === 0xffff) return refusedIPv4(v4); // IPv4-mapped: judged as the IPv4 address
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return refusedIPv4(v4); // NAT64
  if (g0 === 0x2002) return refusedIPv4([g1 >> 8, g1 & 0xff, g2 >> 8, g2 & 0xff]); // 6to4 embeds an IPv4
  return (
    (g0 & 0xfe00) === 0xfc00 || // fc00::/7 unique local
    (g0 & 0xffc0) === 0xfe80 || // fe80::/10 link-local
    (g0 & 0xffc0) === 0xfec0 || // fec0::/10 deprecated site-local
    (g0 & 0xff00) === 0xff00 // ff00::/8 multicast
  );
}
