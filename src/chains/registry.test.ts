import { describe, expect, it } from "vitest";
import { toProblem } from "../api/problem.ts";
import { InvalidChainConfigError, UnknownChainError } from "./errors.ts";
import { ChainRegistry, jsonPath, parseChainRegistry } from "./registry.ts";
import { type ChainConfigInput, DEFAULT_QUORUM, DEFAULT_TIMEOUT_MS } from "./schema.ts";

const CONTRACT = "bbn1eaus7dcvyudf3a0c2fmmp78n5yx8l67pkspyqye7qrfmcuxpt9fsuzs5dy";
const ACCOUNT = "bbn19h5ckr24pv73d45z8an0cfe4hnp673kgj8vqnk";

const chain = (overrides: Record<string, unknown> = {}): ChainConfigInput & Record<string, unknown> => ({
  id: "op-sepolia",
  l2RpcUrl: "https://l2.example.com/rpc",
  babylonRpcUrl: "http://127.0.0.1:26657",
  babylonChainId: "bbn-test-5",
  contractAddress: CONTRACT,
  ...overrides,
});

/** The issues of an invalid configuration, as `path: message` lines. */
function issuesOf(value: unknown): string[] {
  try {
    parseChainRegistry(JSON.stringify(value));
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidChainConfigError);
    return (error as InvalidChainConfigError).issues.map((issue) => `${issue.path}: ${issue.message}`);
  }
  throw new Error("expected the configuration to be rejected");
}

describe("parseChainRegistry: valid configurations", () => {
  it("applies the defaults: quorum 2/3, BTC headers from Babylon, timeout", () => {
    const registry = parseChainRegistry(JSON.stringify([chain()]));
    expect(registry.get("op-sepolia")).toEqual({
      ...chain(),
      quorum: { numerator: 2, denominator: 3 },
      btcHeaderSource: "babylon",
      timeoutMs: DEFAULT_TIMEOUT_MS,
    });
    expect(DEFAULT_QUORUM).toEqual({ numerator: 2, denominator: 3 });
  });

  it("keeps explicit quorum (n = d allowed), header source and timeout", () => {
    const config = chain({
      quorum: { numerator: 1, denominator: 1 },
      btcHeaderSource: "babylon",
      timeoutMs: 1500,
    });
    const got = parseChainRegistry(JSON.stringify([config])).get("op-sepolia");
    expect(got.quorum).toEqual({ numerator: 1, denominator: 1 });
    expect(got.timeoutMs).toBe(1500);
  });

  it("serves several chains side by side, in configuration order", () => {
    const registry = parseChainRegistry(
      JSON.stringify([chain(), chain({ id: "base-2", quorum: { numerator: 3, denominator: 4 } })]),
    );
    expect(registry.ids()).toEqual(["op-sepolia", "base-2"]);
    expect(registry.list().map((c) => c.quorum)).toEqual([DEFAULT_QUORUM, { numerator: 3, denominator: 4 }]);
    expect(registry.has("base-2")).toBe(true);
    expect(registry.has("base")).toBe(false);
  });

  it("accepts an empty list", () => {
    expect(parseChainRegistry("[]").list()).toEqual([]);
  });

  it("freezes configs, so one request cannot change another's", () => {
    const got = parseChainRegistry(JSON.stringify([chain()])).get("op-sepolia");
    expect(Object.isFrozen(got)).toBe(true);
    expect(Object.isFrozen(got.quorum)).toBe(true);
  });
});

describe("parseChainRegistry: every rule, located by JSON path", () => {
  it.each([
    ["id with a slash", { id: "op/sepolia" }, "$[0].id: must be a slug"],
    ["id in uppercase", { id: "OP" }, "$[0].id: must be a slug"],
    ["id with a trailing hyphen", { id: "op-" }, "$[0].id: must be a slug"],
    ["empty id", { id: "" }, "$[0].id: must be a slug"],
    ["id over 64 characters", { id: "a".repeat(65) }, "$[0].id: must be a slug"],
    ["relative L2 URL", { l2RpcUrl: "/rpc" }, "$[0].l2RpcUrl: must be an absolute http(s) URL"],
    [
      "non-http Babylon URL",
      { babylonRpcUrl: "ws://x.example" },
      "$[0].babylonRpcUrl: must be an absolute http(s) URL",
    ],
    ["empty Babylon chain id", { babylonChainId: "" }, "$[0].babylonChainId: must be a CometBFT chain id"],
    [
      "Babylon chain id with a space",
      { babylonChainId: "bbn 1" },
      "$[0].babylonChainId: must be a CometBFT chain id",
    ],
    [
      "non-bech32 address",
      { contractAddress: "0xdeadbeef" },
      "$[0].contractAddress: must be a lowercase bech32 Babylon address",
    ],
    [
      "another prefix",
      { contractAddress: CONTRACT.replace("bbn1", "osmo1") },
      "$[0].contractAddress: must be a lowercase bech32",
    ],
    [
      "uppercase address",
      { contractAddress: CONTRACT.toUpperCase() },
      "$[0].contractAddress: must be a lowercase bech32",
    ],
    [
      "bad checksum",
      { contractAddress: `${CONTRACT.slice(0, -1)}q` },
      "$[0].contractAddress: is not valid bech32",
    ],
    [
      "an account address",
      { contractAddress: ACCOUNT },
      "$[0].contractAddress: must be a 32-byte contract address, got 20 bytes (an account address?)",
    ],
    [
      "quorum numerator 0",
      { quorum: { numerator: 0, denominator: 3 } },
      "$[0].quorum.numerator: must be at least 1",
    ],
    [
      "quorum denominator 0",
      { quorum: { numerator: 1, denominator: 0 } },
      "$[0].quorum.denominator: must be at least 1",
    ],
    [
      "quorum above 1",
      { quorum: { numerator: 4, denominator: 3 } },
      "$[0].quorum.numerator: numerator must not exceed denominator",
    ],
    [
      "fractional quorum",
      { quorum: { numerator: 1.5, denominator: 3 } },
      "$[0].quorum.numerator: Invalid input: expected int",
    ],
    ["incomplete quorum", { quorum: { numerator: 2 } }, "$[0].quorum.denominator: Invalid input"],
    ["other BTC header source", { btcHeaderSource: "electrum" }, '$[0].btcHeaderSource: must be "babylon"'],
    ["zero timeout", { timeoutMs: 0 }, "$[0].timeoutMs: must be a positive number of milliseconds"],
    ["huge timeout", { timeoutMs: 600_000 }, "$[0].timeoutMs: must be at most 60000 ms"],
    ["unknown key (typo)", { l2RPCUrl: "https://x.example" }, '$[0]: Unrecognized key: "l2RPCUrl"'],
    ["missing field", { contractAddress: undefined }, "$[0].contractAddress: Invalid input: expected string"],
  ])("rejects %s", (_name, overrides, expected) => {
    const issues = issuesOf([chain(overrides)]);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toContain(expected);
  });

  it("rejects duplicate ids, naming the first occurrence", () => {
    expect(issuesOf([chain(), chain({ id: "b" }), chain()])).toEqual([
      "$[2].id: duplicates the id of $[0]; chain ids must be unique",
    ]);
  });

  it("names every problem at once, duplicates included, across entries", () => {
    const issues = issuesOf([
      chain({ l2RpcUrl: "nope" }),
      chain({ quorum: { numerator: 0, denominator: 1 } }),
    ]);
    expect(issues.map((issue) => issue.split(":")[0])).toEqual([
      "$[0].l2RpcUrl",
      "$[1].quorum.numerator",
      "$[1].id",
    ]);
  });

  it("rejects a non-list and invalid JSON at the root", () => {
    expect(issuesOf({ chains: [] })[0]).toMatch(/^\$: Invalid input: expected array/);
    expect(() => parseChainRegistry("[{")).toThrow(InvalidChainConfigError);
    try {
      parseChainRegistry("[{", "the CHAINS var");
    } catch (error) {
      expect((error as InvalidChainConfigError).issues).toEqual([
        { path: "$", message: "is not valid JSON" },
      ]);
      expect((error as InvalidChainConfigError).details).toContain("(from the CHAINS var)");
    }
  });

  it("never echoes configured values (RPC URLs can carry API keys)", () => {
    const secret = "s3cr3t-api-key";
    let caught: unknown;
    try {
      parseChainRegistry(
        JSON.stringify([chain({ l2RpcUrl: `ftp://x/${secret}`, babylonChainId: `${secret} x` })]),
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidChainConfigError);
    expect((caught as Error).message).not.toContain(secret);
    expect(JSON.stringify(toProblem(caught))).not.toContain(secret);
  });

  it("is a 500-class problem naming the paths (the operator's fault)", () => {
    let caught: unknown;
    try {
      parseChainRegistry(JSON.stringify([chain({ id: "X" })]));
    } catch (error) {
      caught = error;
    }
    expect(toProblem(caught)).toMatchObject({ status: 500, code: "invalid_chain_config" });
    expect(toProblem(caught).detail).toContain("$[0].id: must be a slug");
  });
});

describe("ChainRegistry.get", () => {
  it("throws UnknownChainError, a 404 naming the known chains", () => {
    const registry = parseChainRegistry(JSON.stringify([chain(), chain({ id: "base" })]));
    expect(() => registry.get("nope")).toThrow(UnknownChainError);
    let caught: unknown;
    try {
      registry.get("nope");
    } catch (error) {
      caught = error;
    }
    expect((caught as UnknownChainError).knownIds).toEqual(["op-sepolia", "base"]);
    expect(toProblem(caught)).toEqual({
      type: "https://finality-edge.dev/problems/unknown_chain",
      title: "Unknown chain",
      status: 404,
      code: "unknown_chain",
      field: "chain",
      detail: 'No consumer chain "nope" is served here. Known chains: op-sepolia, base.',
    });
  });

  it("says when no chain is configured, and truncates long ids", () => {
    const error = new UnknownChainError("x".repeat(500), []);
    expect(error.details).toContain("No chains are configured.");
    expect(error.details?.length).toBeLessThan(150);
  });

  it("refuses duplicate ids when built directly", () => {
    const parsed = parseChainRegistry(JSON.stringify([chain()])).get("op-sepolia");
    expect(() => new ChainRegistry([parsed, parsed])).toThrow(/\$\[1\]\.id/);
  });
});

describe("jsonPath", () => {
  it("renders indices, identifiers and odd keys", () => {
    expect(jsonPath([])).toBe("$");
    expect(jsonPath([0, "quorum", "numerator"])).toBe("$[0].quorum.numerator");
    expect(jsonPath([1, "a b"])).toBe('$[1]["a b"]');
  });
});
