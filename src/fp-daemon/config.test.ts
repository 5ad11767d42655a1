import { describe, expect, it } from "vitest";
import { ENV_OVERRIDES, resolveDaemonConfig } from "./config.ts";
import { ConfigError } from "./config-error.ts";

const minimal = {
  chain: "my-rollup",
  edge: { url: "https://edge.example" },
  babylon: { rpcUrl: "http://127.0.0.1:26657", chainId: "bbn-1", contractAddress: "bbn1qqqqqqqqqqqqqqqqqq" },
  l2: { rpcUrl: "http://127.0.0.1:8545" },
};

const failure = (raw: unknown, env: Record<string, string> = {}) => {
  try {
    resolveDaemonConfig(raw, env, "config.toml");
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
};

describe("daemon config", () => {
  it("fills every default from a minimal file", () => {
    const config = resolveDaemonConfig(minimal);
    expect(config.transport).toBe("edge");
    expect(config.l2.safety).toEqual({ mode: "confirmations", confirmations: 2 });
    expect(config.randomness).toEqual({ commitSize: 50_000, commitMargin: 2_000, warnBelow: 1_000 });
    expect(config.submit.batchSize).toBe(25);
    expect(config.ops).toEqual({ host: "127.0.0.1", port: 9464 });
  });

  it("names the path of the first bad field and its rule", () => {
    const error = failure({
      ...minimal,
      l2: { ...minimal.l2, safety: { mode: "confirmations", confirmations: -1 } },
    });
    expect(error.code).toBe("invalid_config");
    expect(error.path).toBe("l2.safety.confirmations");
    expect(error.message).toMatch(/^config\.toml: l2\.safety\.confirmations: /);
    expect(failure({ ...minimal, submit: { batchSize: 101 } }).path).toBe("submit.batchSize");
    expect(failure({ ...minimal, babylon: { ...minimal.babylon, contractAddress: "nope" } }).path).toBe(
      "babylon.contractAddress",
    );
  });

  it("refuses unknown keys (a typo must not fall back to a default silently)", () => {
    expect(failure({ ...minimal, submit: { batchsize: 10 } }).path).toBe("submit");
    expect(failure({ ...minimal, extra: true }).path).toBe("");
  });

  it("needs edge.url for the edge transport only", () => {
    const { edge: _edge, ...noEdge } = minimal;
    expect(failure(noEdge).path).toBe("edge.url");
    expect(resolveDaemonConfig({ ...noEdge, transport: "babylon" }).transport).toBe("babylon");
  });

  it("applies FP_* environment overrides over the file, and names the variable when one is bad", () => {
    const config = resolveDaemonConfig(minimal, {
      FP_EDGE_URL: "https://other.example",
      FP_SUBMIT_BATCH_SIZE: "50",
      FP_L2_SAFETY_MODE: "tag",
      FP_L2_SAFETY_TAG: "safe",
      FP_OPS_PORT: "0",
    });
    expect(config.edge.url).toBe("https://other.example");
    expect(config.submit.batchSize).toBe(50);
    expect(config.l2.safety).toEqual({ mode: "tag", tag: "safe" });
    expect(config.ops.port).toBe(0);
    const error = failure(minimal, { FP_SUBMIT_BATCH_SIZE: "1000" });
    expect(error.path).toBe("submit.batchSize");
    expect(error.message).toContain("FP_SUBMIT_BATCH_SIZE");
  });

  it("has one variable per setting, named after its path", () => {
    expect(ENV_OVERRIDES.FP_L2_RPC_URL).toEqual(["l2", "rpcUrl"]);
    expect(ENV_OVERRIDES.FP_RANDOMNESS_COMMIT_MARGIN).toEqual(["randomness", "commitMargin"]);
    expect(ENV_OVERRIDES.FP_KEY_NAME).toEqual(["keyName"]);
  });
});
