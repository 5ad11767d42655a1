// createRelayer without a chain: option checks, the key (and that the mnemonic never shows), and how
// transport failures surface. The flows against a chain are in test/devnet/relayer.test.ts.
import { describe, expect, it } from "vitest";
import { defaultGenesis } from "../../devnet/babylon/genesis-load.ts";
import { EmptyBatchError, RelayerConfigError, RelayerUnavailableError } from "./errors.ts";
import { createRelayer } from "./relayer.ts";
import type { RelayerOptions } from "./types.ts";

const relayerAccount = defaultGenesis().accounts.find((a) => a.name === "relayer");
if (!relayerAccount) throw new Error("the default genesis has no relayer account");
const MNEMONIC = relayerAccount.mnemonic;
// The mnemonic's longer words (short ones like "act" occur in ordinary text): none may appear in anything exposed.
const WORDS = MNEMONIC.split(" ").filter((word) => word.length >= 5);

const options = (extra: Partial<RelayerOptions> = {}): RelayerOptions => ({
  rpcUrl: "http://127.0.0.1:9",
  chainId: "bbn-devnet-1",
  mnemonic: MNEMONIC,
  gasPrice: "0.002ubbn",
  requestTimeoutMs: 1_000,
  ...extra,
});

/** Everything an error exposes: message, details, and the cause chain's messages. */
function exposed(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  while (current instanceof Error) {
    parts.push(current.message, JSON.stringify(current), String((current as { details?: string }).details));
    current = current.cause;
  }
  return parts.join("\n");
}

const leaks = (text: string) => WORDS.filter((word) => new RegExp(`\\b${word}\\b`).test(text));

describe("createRelayer", () => {
  it("derives the account from the mnemonic without touching the network, and exposes only the address", async () => {
    let calls = 0;
    const relayer = await createRelayer(
      options({
        fetch: async () => {
          calls += 1;
          throw new Error("no network here");
        },
      }),
    );
    expect(relayer.address).toBe("bbn1vntg55dsjhmyygnrmejjlcp3a90ls5krjv8l0u");
    expect(calls).toBe(0);
    expect(leaks(JSON.stringify(relayer))).toEqual([]);
    expect(Object.keys(relayer).sort()).toEqual(["address", "submitBatch"]);
  });

  it("refuses an invalid mnemonic without quoting it", async () => {
    const secret = "zebra quantum velvet orbit lantern crisp hollow meadow tribute canyon ember falcon";
    const error = await createRelayer(options({ mnemonic: secret })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RelayerConfigError);
    expect(error).toMatchObject({ code: "invalid_relayer_config", field: "mnemonic" });
    for (const word of secret.split(" ")) expect(exposed(error)).not.toContain(word);
  });

  it.each([
    [{ gasPrice: "cheap" }, "gasPrice"],
    [{ gasAdjustment: 0 }, "gasAdjustment"],
    [{ maxGasPerTx: -1 }, "maxGasPerTx"],
    [{ pollIntervalMs: Number.NaN }, "pollIntervalMs"],
    [{ rpcUrl: "127.0.0.1:26657" }, "rpcUrl"],
    [{ chainId: "" }, "chainId"],
  ] as const)("refuses %o", async (extra, field) => {
    await expect(createRelayer(options(extra))).rejects.toMatchObject({
      code: "invalid_relayer_config",
      field,
    });
  });

  it("an empty batch is an error of the caller", async () => {
    const relayer = await createRelayer(options());
    await expect(relayer.submitBatch([])).rejects.toBeInstanceOf(EmptyBatchError);
  });

  it.each([
    ["a network failure", async () => Promise.reject(new TypeError("fetch failed"))],
    ["HTTP 503", async () => new Response("busy", { status: 503 })],
    ["a body that is not JSON", async () => new Response("<html>", { status: 200 })],
    [
      "a JSON-RPC error",
      async () =>
        Response.json({ jsonrpc: "2.0", id: 1, error: { code: -32603, message: "Internal error" } }),
    ],
  ] as const)("%s → RelayerUnavailableError (transient), with no secret in it", async (_, fake) => {
    const relayer = await createRelayer(options({ fetch: fake as unknown as typeof fetch }));
    const error = await relayer
      .submitBatch([{ contractAddress: "bbn1contract", msg: { a: 1 } }])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RelayerUnavailableError);
    expect(error).toMatchObject({ code: "upstream_unavailable", upstream: "babylon", operation: "account" });
    expect(leaks(exposed(error))).toEqual([]);
  });

  it("a hanging RPC is cut by the request timeout", async () => {
    const relayer = await createRelayer(
      options({
        requestTimeoutMs: 200,
        fetch: (_input, init) =>
          new Promise<Response>((_, reject) => {
            init?.signal?.addEventListener("abort", () => reject(init.signal?.reason));
          }),
      }),
    );
    const started = Date.now();
    await expect(relayer.submitBatch([{ contractAddress: "bbn1contract", msg: {} }])).rejects.toBeInstanceOf(
      RelayerUnavailableError,
    );
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("runs one batch at a time: a failing call does not block the next", async () => {
    const order: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const relayer = await createRelayer(
      options({
        fetch: async () => {
          inFlight += 1;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 20));
          inFlight -= 1;
          order.push("call");
          throw new TypeError("fetch failed");
        },
      }),
    );
    const results = await Promise.allSettled(
      [1, 2, 3].map((n) => relayer.submitBatch([{ contractAddress: "bbn1contract", msg: { n } }])),
    );
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(order).toHaveLength(3);
    expect(maxInFlight).toBe(1);
  });
});
