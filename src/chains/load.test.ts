import { describe, expect, it } from "vitest";
import { InvalidChainConfigError } from "./errors.ts";
import { type ChainRegistryEnv, loadChainRegistry } from "./load.ts";

const CONTRACT = "bbn1eaus7dcvyudf3a0c2fmmp78n5yx8l67pkspyqye7qrfmcuxpt9fsuzs5dy";
const chainsJson = (...ids: string[]) =>
  JSON.stringify(
    ids.map((id) => ({
      id,
      l2RpcUrl: "http://127.0.0.1:8545",
      babylonRpcUrl: "http://127.0.0.1:26657",
      babylonChainId: "bbn-devnet",
      contractAddress: CONTRACT,
    })),
  );

/** A fake KV holding `config/chains` that records its reads. */
function fakeKv(value: string | null) {
  const reads: { key: string; options: unknown }[] = [];
  const kv: NonNullable<ChainRegistryEnv["FINALITY_KV"]> = {
    get: async (key, options) => {
      reads.push({ key, options });
      return value;
    },
  };
  return { kv, reads };
}

describe("loadChainRegistry precedence", () => {
  it("uses the CHAINS var when it declares chains, without reading KV", async () => {
    const { kv, reads } = fakeKv(chainsJson("from-kv"));
    const registry = await loadChainRegistry({ CHAINS: chainsJson("from-var"), FINALITY_KV: kv });
    expect(registry.ids()).toEqual(["from-var"]);
    expect(reads).toEqual([]);
  });

  it.each([[undefined], [""], ["  "], ["[]"], [" [ ] \n"]])(
    "falls back to KV config/chains when CHAINS is %j",
    async (CHAINS) => {
      const { kv, reads } = fakeKv(chainsJson("from-kv"));
      const registry = await loadChainRegistry({ CHAINS, FINALITY_KV: kv });
      expect(registry.ids()).toEqual(["from-kv"]);
      expect(reads).toEqual([{ key: "config/chains", options: { cacheTtl: 60 } }]);
    },
  );

  it("is empty when neither declares a chain", async () => {
    expect((await loadChainRegistry({ CHAINS: "[]", FINALITY_KV: fakeKv(null).kv })).list()).toEqual([]);
    expect((await loadChainRegistry({ CHAINS: "[]", FINALITY_KV: fakeKv("[]").kv })).list()).toEqual([]);
    expect((await loadChainRegistry({})).list()).toEqual([]);
  });

  it("surfaces invalid JSON in the var instead of falling through, naming the source", async () => {
    const { kv } = fakeKv(chainsJson("from-kv"));
    await expect(loadChainRegistry({ CHAINS: "{oops", FINALITY_KV: kv })).rejects.toThrow(
      InvalidChainConfigError,
    );
    await expect(loadChainRegistry({ CHAINS: "{oops" })).rejects.toThrow(/from the CHAINS var/);
    await expect(loadChainRegistry({ FINALITY_KV: fakeKv("{oops").kv })).rejects.toThrow(
      /from the KV key config\/chains/,
    );
  });
});

describe("loadChainRegistry memo", () => {
  it("returns the same registry for the same raw JSON, a new one when it changes", async () => {
    const a = await loadChainRegistry({ CHAINS: chainsJson("memo-a") });
    expect(await loadChainRegistry({ CHAINS: chainsJson("memo-a") })).toBe(a);
    const { kv } = fakeKv(chainsJson("memo-a"));
    expect(await loadChainRegistry({ FINALITY_KV: kv })).toBe(a); // keyed by the string, wherever it came from
    const b = await loadChainRegistry({ CHAINS: chainsJson("memo-b") });
    expect(b).not.toBe(a);
    expect(b.ids()).toEqual(["memo-b"]);
  });

  it("does not memoize a failure: a fixed config is picked up", async () => {
    await expect(loadChainRegistry({ CHAINS: "[1]" })).rejects.toThrow(InvalidChainConfigError);
    expect((await loadChainRegistry({ CHAINS: chainsJson("fixed") })).ids()).toEqual(["fixed"]);
  });
});
