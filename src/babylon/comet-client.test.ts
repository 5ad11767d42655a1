// createBabylonRpc / createFinalityQueryClient over the caller's fetch or CosmJS RpcClient (createCometClient).
import type { RpcClient } from "@cosmjs/tendermint-rpc";
import { describe, expect, it } from "vitest";
import { createBabylonRpc, createFinalityQueryClient, RpcErrorResponse } from "./index.ts";

const URL = "http://babylon.test:26657";

/** A fetch that records each JSON-RPC call and answers it with a JSON-RPC error (no chain needed). */
function recordingFetch() {
  const calls: { url: string; headers: Record<string, string>; method: string }[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body)) as { id: number; method: string };
    calls.push({ url: String(input), headers: init?.headers as Record<string, string>, method: body.method });
    return Response.json({ jsonrpc: "2.0", id: body.id, error: { code: -32603, message: "no chain here" } });
  };
  return { calls, fetch: fetch as typeof globalThis.fetch };
}

describe("createCometClient through the Babylon readers' constructors", () => {
  it("sends every call through the caller's fetch, with the endpoint's headers", async () => {
    const { calls, fetch } = recordingFetch();
    const contract = createFinalityQueryClient({ url: URL, headers: { "x-api-key": "k" } }, "bbn1contract", {
      fetch,
    });
    await expect(contract.config()).rejects.toBeInstanceOf(RpcErrorResponse);
    const rpc = createBabylonRpc(URL, { fetch });
    await expect(rpc.rpc.request("babylon.btclightclient.v1.Query", "Tip", new Uint8Array())).rejects.toThrow(
      "no chain here",
    );
    expect(calls).toEqual([
      { url: URL, headers: { "x-api-key": "k", "content-type": "application/json" }, method: "abci_query" },
      { url: URL, headers: { "content-type": "application/json" }, method: "abci_query" },
    ]);
  });

  it("sends every call through the caller's RpcClient, shared by both", async () => {
    const methods: string[] = [];
    const rpcClient: RpcClient = {
      async execute(request) {
        methods.push(request.method);
        throw new Error("refused by the test");
      },
      disconnect() {},
    };
    await expect(createFinalityQueryClient(URL, "bbn1contract", { rpcClient }).config()).rejects.toThrow(
      "refused by the test",
    );
    await expect(
      createBabylonRpc(URL, { rpcClient }).rpc.request(
        "babylon.btclightclient.v1.Query",
        "Tip",
        new Uint8Array(),
      ),
    ).rejects.toThrow("refused by the test");
    expect(methods).toEqual(["abci_query", "abci_query"]);
  });
});
