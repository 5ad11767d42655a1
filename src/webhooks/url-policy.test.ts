import { describe, expect, it } from "vitest";
import { InvalidRequestError } from "../api/errors.ts";
import { toProblem } from "../api/problem.ts";
import { checkWebhookUrl, WebhookUrlRejectedError, type WebhookUrlRule } from "./url-policy.ts";

const production = { allowLoopback: false };
const development = { allowLoopback: true };

function ruleOf(raw: string, options = production): WebhookUrlRule | "ok" {
  try {
    checkWebhookUrl(raw, options);
    return "ok";
  } catch (error) {
    if (error instanceof WebhookUrlRejectedError) return error.rule;
    throw error;
  }
}

describe("checkWebhookUrl", () => {
  it.each<[string, string]>([
    ["https://hooks.example.com/finality", "https://hooks.example.com/finality"],
    ["https://hooks.example.com:8443/a?b=c", "https://hooks.example.com:8443/a?b=c"],
    ["HTTPS://Hooks.Example.COM/x", "https://hooks.example.com/x"],
    ["https://hooks.example.com:443/", "https://hooks.example.com/"],
    ["  https://hooks.example.com/a b\t", "https://hooks.example.com/a%20b"],
    ["https://ΒΓ.example/", "https://xn--nxac.example/"],
    ["https://8.8.8.8/hook", "https://8.8.8.8/hook"],
    ["https://[2606:4700:4700::1111]/", "https://[2606:4700:4700::1111]/"],
    ["https://[::ffff:8.8.8.8]/", "https://[::ffff:808:808]/"],
    ["https://172.32.0.1/", "https://172.32.0.1/"],
    ["https://100.128.0.1/", "https://100.128.0.1/"],
    ["https://192.0.1.1/", "https://192.0.1.1/"],
    ["https://198.20.0.1/", "https://198.20.0.1/"],
    ["https://223.255.255.255/", "https://223.255.255.255/"],
    ["https://localhost.example.com/", "https://localhost.example.com/"],
    ["https://internal.example.com/", "https://internal.example.com/"],
    ["https://@hooks.example.com/", "https://hooks.example.com/"],
  ])("takes %s as %s in production", (raw, href) => {
    expect(checkWebhookUrl(raw, production).href).toBe(href);
  });

  it.each<[string, WebhookUrlRule]>([
    // Not an absolute URL.
    ["", "absolute"],
    ["hooks.example.com/x", "absolute"],
    ["/relative/path", "absolute"],
    ["https://", "absolute"],
    ["https://exa mple.com/", "absolute"],
    ["https://[::1/", "absolute"],
    ["https://999.1.1.1/", "absolute"],
    ["https://0x100000000/", "absolute"],
    // Scheme.
    ["http://hooks.example.com/", "scheme"],
    ["http://127.0.0.1:8080/", "scheme"],
    ["ftp://hooks.example.com/", "scheme"],
    ["ws://hooks.example.com/", "scheme"],
    ["wss://hooks.example.com/", "scheme"],
    ["file:///etc/passwd", "scheme"],
    ["data:text/plain,hi", "scheme"],
    ["javascript:alert(1)", "scheme"],
    // Credentials and fragments.
    ["https://user@hooks.example.com/", "credentials"],
    ["https://user:pass@hooks.example.com/", "credentials"],
    ["https://:pass@hooks.example.com/", "credentials"],
    ["https://hooks.example.com/#frag", "fragment"],
    ["https://hooks.example.com/#", "fragment"],
    // Length.
    [`https://hooks.example.com/${"a".repeat(2048)}`, "length"],
    [`https://hooks.example.com/${" ".repeat(2000)}x`, "length"],
  ])("refuses %s (%s)", (raw, rule) => {
    expect(ruleOf(raw)).toBe(rule);
  });

  it("bounds the length at exactly 2048 characters", () => {
    const base = "https://hooks.example.com/";
    expect(ruleOf(base + "a".repeat(2048 - base.length))).toBe("ok");
    expect(ruleOf(base + "a".repeat(2049 - base.length))).toBe("length");
  });

  it.each<string>([
    // IPv4 special-purpose and private ranges, edges included.
    "0.0.0.0",
    "0.255.255.255",
    "10.0.0.1",
    "10.255.255.255",
    "100.64.0.0",
    "100.127.255.255",
    "127.0.0.1",
    "127.255.255.254",
    "169.254.169.254",
    "172.16.0.1",
    "172.31.255.255",
    "192.0.0.1",
    "192.0.0.255",
    "192.168.0.1",
    "192.168.255.255",
    "198.18.0.1",
    "198.19.255.255",
    "224.0.0.1",
    "239.255.255.255",
    "240.0.0.1",
    "255.255.255.255",
    // Other spellings WHATWG URL rewrites to those.
    "2130706433",
    "0x7f000001",
    "0x7f.1",
    "0177.0.0.1",
    "127.1",
    "0",
    "0x0a.0.0.1",
    "3232235521",
    "%31%32%37.0.0.1",
    // IPv6.
    "[::]",
    "[::1]",
    "[0:0:0:0:0:0:0:1]",
    "[fc00::1]",
    "[fd12:3456:789a::1]",
    "[fe80::1]",
    "[febf:ffff::1]",
    "[fec0::1]",
    "[ff02::1]",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "[::ffff:10.1.2.3]",
    "[::ffff:169.254.169.254]",
    "[::ffff:192.168.1.1]",
    "[::127.0.0.1]",
    "[64:ff9b::10.0.0.1]",
    "[2002:c0a8:0101::1]",
    // Local names.
    "localhost",
    "LOCALHOST",
    "localhost.",
    "api.localhost",
    "printer.local",
    "printer.local.",
    "metadata.google.internal",
    "db.corp.internal",
    "local",
    "internal",
  ])("refuses host %s in production", (host) => {
    expect(ruleOf(`https://${host}/hook`)).toBe("host");
  });

  it("takes public IPv4 hosts just outside the refused ranges", () => {
    for (const host of [
      "1.1.1.1",
      "9.255.255.255",
      "11.0.0.0",
      "100.63.255.255",
      "126.255.255.255",
      "128.0.0.0",
    ]) {
      expect(ruleOf(`https://${host}/`), host).toBe("ok");
    }
    for (const host of [
      "169.253.0.1",
      "169.255.0.1",
      "172.15.255.255",
      "192.0.1.0",
      "192.167.0.1",
      "198.17.0.1",
    ]) {
      expect(ruleOf(`https://${host}/`), host).toBe("ok");
    }
    for (const host of [
      "[fbff::1]",
      "[fe00::1]",
      "[2001:4860:4860::8888]",
      "[64:ff9b::808:808]",
      "[2002:808:808::1]",
    ]) {
      expect(ruleOf(`https://${host}/`), host).toBe("ok");
    }
  });

  describe("development (allowLoopback)", () => {
    it.each<string>([
      "http://127.0.0.1:8080/hook",
      "http://127.5.6.7/",
      "http://localhost:3000/",
      "http://LOCALHOST./",
      "http://[::1]:9000/",
      "http://2130706433/",
      "https://127.0.0.1/",
      "https://10.0.0.1/",
      "https://printer.local/",
      "https://hooks.example.com/",
    ])("takes %s", (raw) => {
      expect(ruleOf(raw, development)).toBe("ok");
    });

    it.each<[string, WebhookUrlRule]>([
      ["http://hooks.example.com/", "scheme"],
      ["http://10.0.0.1/", "scheme"],
      ["http://api.localhost/", "scheme"],
      ["http://[::ffff:127.0.0.1]/", "scheme"],
      ["http://user:pw@127.0.0.1/", "credentials"],
      ["http://127.0.0.1/#x", "fragment"],
      ["ftp://127.0.0.1/", "scheme"],
    ])("still refuses %s (%s)", (raw, rule) => {
      expect(ruleOf(raw, development)).toBe(rule);
    });
  });

  it("throws a 400 invalid_request problem naming field url and the rule", () => {
    let caught: unknown;
    try {
      checkWebhookUrl("http://hooks.example.com/", production);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WebhookUrlRejectedError);
    expect(caught).toBeInstanceOf(InvalidRequestError);
    expect(caught).toMatchObject({ code: "invalid_request", field: "url", rule: "scheme" });
    expect(toProblem(caught)).toMatchObject({ status: 400, code: "invalid_request", field: "url" });
    expect(toProblem(caught).detail).toMatch(/https/);
    expect(ruleOf(42 as unknown as string)).toBe("absolute");
  });
});
