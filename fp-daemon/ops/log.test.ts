import { describe, expect, it } from "vitest";
import { BaseError } from "../../src/errors/base.ts";
import { createLogger, type LoggerOptions } from "./log.ts";

const NOW = new Date("2026-12-01T20:05:37.123Z");

function capture(options: LoggerOptions = {}) {
  const chunks: string[] = [];
  const log = createLogger({
    now: () => NOW,
    stream: { write: (chunk: string) => chunks.push(chunk) },
    ...options,
  });
  const entries = () =>
    chunks
      .join("")
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { log, chunks, entries };
}

describe("createLogger", () => {
  it("writes one JSON object per line: time, level, msg, then the fields", () => {
    const { log, chunks, entries } = capture();
    log.info("vote sent", { height: 42, chain: "edge-devnet-l2" });
    log.warn("multi\nline message");
    expect(chunks).toHaveLength(2);
    expect(chunks.every((chunk) => chunk.endsWith("\n") && chunk.indexOf("\n") === chunk.length - 1)).toBe(
      true,
    );
    expect(chunks[0]).toBe(
      '{"time":"2026-12-01T20:05:37.123Z","level":"info","msg":"vote sent","height":42,"chain":"edge-devnet-l2"}\n',
    );
    expect(entries()[1]).toEqual({ time: NOW.toISOString(), level: "warn", msg: "multi\nline message" });
  });

  it("drops lines below the minimum level", () => {
    const { log, entries } = capture({ level: "warn" });
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e");
    expect(entries().map((e) => e.level)).toEqual(["warn", "error"]);
    expect(log.enabled("info")).toBe(false);
    expect(log.enabled("error")).toBe(true);
    expect(() => createLogger({ level: "verbose" as "info" })).toThrow(TypeError);
  });

  it("defaults to info", () => {
    const { log, entries } = capture();
    log.debug("hidden");
    log.info("shown");
    expect(entries().map((e) => e.msg)).toEqual(["shown"]);
  });

  it("binds fields in child loggers, the child's and the call's winning over the parent's", () => {
    const { log, entries } = capture({ fields: { service: "fp-daemon" } });
    const fp = log.child({ fp: "fp-1", chain: "a" });
    const voter = fp.child({ component: "voter", chain: "b" });
    voter.info("voted", { height: 7 });
    fp.info("committed", { chain: "c" });
    log.info("plain");
    expect(entries()).toEqual([
      {
        time: NOW.toISOString(),
        level: "info",
        msg: "voted",
        service: "fp-daemon",
        fp: "fp-1",
        chain: "b",
        component: "voter",
        height: 7,
      },
      {
        time: NOW.toISOString(),
        level: "info",
        msg: "committed",
        service: "fp-daemon",
        fp: "fp-1",
        chain: "c",
      },
      { time: NOW.toISOString(), level: "info", msg: "plain", service: "fp-daemon" },
    ]);
  });

  it("keeps time, level and msg its own: a field with such a name moves aside", () => {
    const { log, entries } = capture();
    log.error("real", { msg: "fake", level: "debug", time: 0 });
    expect(entries()[0]).toEqual({
      time: NOW.toISOString(),
      level: "error",
      msg: "real",
      "field.msg": "fake",
      "field.level": "debug",
      "field.time": 0,
    });
  });
});

describe("redaction", () => {
  it("writes secret-named fields as [redacted] at any depth, in bound fields too", () => {
    const { log, chunks, entries } = capture();
    const child = log.child({ passphrase: "hunter2-bound" });
    child.info("key loaded", {
      secretKey: "deadbeef-top",
      keyring: { mnemonic: "abandon abandon …", nested: [{ eotsPrivateKey: "aa11" }, { password: "pw" }] },
      bearerToken: "tok-123",
      CLIENT_SECRET: "cs",
      publicKey: "02abcdef",
    });
    const entry = entries()[0];
    expect(entry).toMatchObject({
      passphrase: "[redacted]",
      secretKey: "[redacted]",
      keyring: {
        mnemonic: "[redacted]",
        nested: [{ eotsPrivateKey: "[redacted]" }, { password: "[redacted]" }],
      },
      bearerToken: "[redacted]",
      CLIENT_SECRET: "[redacted]",
      publicKey: "02abcdef",
    });
    for (const secret of ["hunter2-bound", "deadbeef-top", "abandon", "aa11", '"pw"', "tok-123", '"cs"']) {
      expect(chunks.join(""), secret).not.toContain(secret);
    }
  });

  it("never writes bytes raw, only their length", () => {
    const { log, chunks, entries } = capture();
    const key = new Uint8Array(32).fill(0xab);
    log.info("signed", {
      signature: key,
      nested: {
        buffer: Buffer.from("secret bytes"),
        view: new DataView(new ArrayBuffer(4)),
        raw: new ArrayBuffer(8),
      },
      list: [new Uint8Array([1, 2, 3])],
    });
    expect(entries()[0]).toMatchObject({
      signature: "[32 bytes]",
      nested: { buffer: "[12 bytes]", view: "[4 bytes]", raw: "[8 bytes]" },
      list: ["[3 bytes]"],
    });
    expect(chunks.join("")).not.toMatch(/abab|171|secret bytes|"data"/);
  });
});

describe("values", () => {
  it("writes errors as {name, code, message} with a bounded cause chain and nothing else", () => {
    const { log, entries } = capture();
    const root = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:26657"), {
      code: "ECONNREFUSED",
      config: { headers: { authorization: "Bearer x" } },
    });
    const err = new BaseError("upstream_unavailable", "Babylon RPC unreachable", { cause: root });
    log.error("commit failed", { err });
    expect(entries()[0]?.err).toEqual({
      name: "BaseError",
      code: "upstream_unavailable",
      message: "Babylon RPC unreachable",
      cause: { name: "Error", code: "ECONNREFUSED", message: "connect ECONNREFUSED 127.0.0.1:26657" },
    });

    const looped = new Error("loop");
    (looped as { cause?: unknown }).cause = looped;
    log.error("loop", { err: looped, plain: new Error("x", { cause: { reason: "r", token: "t" } }) });
    const written = entries()[1] as { err: unknown; plain: unknown };
    expect(JSON.stringify(written.err).match(/"loop"/g)?.length).toBeLessThanOrEqual(6);
    expect(written.plain).toEqual({
      name: "Error",
      message: "x",
      cause: { reason: "r", token: "[redacted]" },
    });
  });

  it("writes bigint, non-finite numbers, dates, maps, sets and cycles as JSON-safe values", () => {
    const { log, entries } = capture();
    const cycle: Record<string, unknown> = { name: "a" };
    cycle.self = cycle;
    log.info("state", {
      height: 2n ** 70n,
      ratio: Number.NaN,
      at: NOW,
      seen: new Set([1, 2]),
      byFp: new Map([["fp-1", { power: 3 }]]),
      cycle,
      skip: undefined,
      fn: function vote() {},
    });
    expect(entries()[0]).toMatchObject({
      height: (2n ** 70n).toString(),
      ratio: "NaN",
      at: NOW.toISOString(),
      seen: [1, 2],
      byFp: { "fp-1": { power: 3 } },
      cycle: { name: "a", self: "[circular]" },
      fn: "[function vote]",
    });
    expect(entries()[0]).not.toHaveProperty("skip");
  });

  it("survives a throwing getter and a broken stream", () => {
    const { log, entries } = capture();
    const hostile = {
      get boom() {
        throw new Error("getter");
      },
    };
    log.info("hostile", { hostile });
    expect(entries()[0]).toMatchObject({ hostile: "[unreadable]" });
    const broken = createLogger({
      stream: {
        write() {
          throw new Error("EPIPE");
        },
      },
    });
    expect(() => broken.error("lost")).not.toThrow();
  });
});

describe("pretty format", () => {
  it("writes one readable line per entry, still redacted", () => {
    const { log, chunks } = capture({ format: "pretty" });
    log.child({ fp: "fp-1" }).warn("vote\nrefused", { height: 9, reason: "not committed", token: "t0ken" });
    expect(chunks).toEqual([
      '20:05:37.123 WARN  vote\\nrefused fp=fp-1 height=9 reason="not committed" token="[redacted]"\n',
    ]);
  });
});
