import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  newWebhookSecret,
  signWebhook,
  verifyWebhookSignature,
  WEBHOOK_SIGNATURE_HEADER,
} from "./signature.ts";

const secret = "whsec_test-secret-ünïcode";
const body = '{"id":"42","chain":"edge-devnet-l2","type":"finalized"}';
const t = 1_760_000_000;

function reference(key: string, timestamp: number, text: string): string {
  return createHmac("sha256", Buffer.from(key, "utf8")).update(`${timestamp}.${text}`, "utf8").digest("hex");
}

describe("signWebhook", () => {
  it("is t=<seconds>,v1=<hex HMAC-SHA256(utf8(secret), '<t>.<body>')> (checked with node:crypto)", async () => {
    expect(await signWebhook(secret, t, body)).toBe(`t=${t},v1=${reference(secret, t, body)}`);
    expect(await signWebhook("k", 0, "")).toBe(`t=0,v1=${reference("k", 0, "")}`);
    expect(await signWebhook(secret, t, "€ ✓ \n")).toBe(`t=${t},v1=${reference(secret, t, "€ ✓ \n")}`);
  });

  it("refuses a non-integer timestamp and an empty secret", async () => {
    await expect(signWebhook(secret, 1.5, body)).rejects.toThrow(RangeError);
    await expect(signWebhook(secret, -1, body)).rejects.toThrow(RangeError);
    await expect(signWebhook("", t, body)).rejects.toThrow(RangeError);
  });

  it("names the header", () => {
    expect(WEBHOOK_SIGNATURE_HEADER).toBe("Finality-Edge-Signature");
  });
});

describe("verifyWebhookSignature", () => {
  const verify = (header: unknown, overrides: Record<string, unknown> = {}) =>
    verifyWebhookSignature({ header: header as string, body, secret, nowSec: t, ...overrides });

  it("accepts its own signature and rejects a tampered body, timestamp or secret", async () => {
    const header = await signWebhook(secret, t, body);
    expect(await verify(header)).toBe(true);
    expect(await verify(header, { body: `${body} ` })).toBe(false);
    expect(await verify(header.replace(`t=${t}`, `t=${t + 1}`))).toBe(false);
    expect(await verify(header, { secret: `${secret}x` })).toBe(false);
    const flipped = header.slice(0, -1) + (header.endsWith("0") ? "1" : "0");
    expect(await verify(flipped)).toBe(false);
  });

  it("takes several v1 values (sender rotating) and several secrets (receiver rotating)", async () => {
    const good = reference(secret, t, body);
    const other = reference("whsec_old", t, body);
    expect(await verify(`t=${t},v1=${other},v1=${good}`)).toBe(true);
    expect(await verify(`v1=${good}, t=${t}`)).toBe(true);
    expect(await verify(`t=${t},v1=${good.toUpperCase()}`)).toBe(true);
    expect(await verify(`t=${t},v0=abc,v1=${good},v2=whatever`)).toBe(true);
    expect(await verify(`t=${t},v1=${other}`)).toBe(false);
    expect(await verify(`t=${t},v1=${other}`, { secret: ["whsec_new", "whsec_old"] })).toBe(true);
    expect(await verify(`t=${t},v1=${other}`, { secret: [] })).toBe(false);
  });

  it("accepts timestamps within the tolerance either way and nothing beyond", async () => {
    const header = await signWebhook(secret, t, body);
    expect(await verify(header, { nowSec: t + 300 })).toBe(true);
    expect(await verify(header, { nowSec: t - 300 })).toBe(true);
    expect(await verify(header, { nowSec: t + 301 })).toBe(false);
    expect(await verify(header, { nowSec: t - 301 })).toBe(false);
    expect(await verify(header, { nowSec: t + 10, toleranceSec: 5 })).toBe(false);
    expect(await verify(header, { nowSec: t + 5, toleranceSec: 5 })).toBe(true);
  });

  it("uses the real clock by default", async () => {
    const now = Math.floor(Date.now() / 1000);
    const header = await signWebhook(secret, now, body);
    expect(await verifyWebhookSignature({ header, body, secret })).toBe(true);
    const old = await signWebhook(secret, now - 3600, body);
    expect(await verifyWebhookSignature({ header: old, body, secret })).toBe(false);
  });

  it("answers false, never throws, for malformed input", async () => {
    const good = reference(secret, t, body);
    const headers: unknown[] = [
      undefined,
      null,
      "",
      42,
      {},
      "garbage",
      `t=${t}`,
      `v1=${good}`,
      `t=${t},v1=`,
      `t=${t},v1=${good.slice(0, 63)}`,
      `t=${t},v1=${good}0`,
      `t=${t},v1=${good.slice(0, 62)}zz`,
      `t=,v1=${good}`,
      `t=abc,v1=${good}`,
      `t=-${t},v1=${good}`,
      `t=${t}.0,v1=${good}`,
      `t=1e9,v1=${good}`,
      `t=${t},t=${t},v1=${good}`,
      `t=${t},v1=${good},junk`,
      `t=${t};v1=${good}`,
      `t=${t},v1=${good}`.padEnd(5000, " "),
      `t=${t}${",v1=0".padEnd(68, "0").repeat(9)},v1=${good}`,
    ];
    for (const header of headers) expect(await verify(header), String(header)).toBe(false);
    const header = `t=${t},v1=${good}`;
    expect(await verify(header, { body: undefined })).toBe(false);
    expect(await verify(header, { secret: "" })).toBe(false);
    expect(await verify(header, { secret: undefined })).toBe(false);
    expect(await verify(header, { secret: [42] })).toBe(false);
    expect(await verify(header, { nowSec: Number.NaN })).toBe(false);
    expect(await verify(header, { toleranceSec: -1 })).toBe(false);
  });
});

describe("newWebhookSecret", () => {
  it("is whsec_ and 32 random bytes in base64url", () => {
    const a = newWebhookSecret();
    const b = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(Buffer.from(a.slice(6), "base64url")).toHaveLength(32);
  });
});
