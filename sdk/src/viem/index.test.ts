// waitForBtcFinality against a real anvil (the L2) and a fake edge: the receipt first, then BTC finality.
import { createPublicClient, createWalletClient, http, parseEther } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { haveAnvil, mineBlocks, type Running, startAnvil } from "../../../devnet/processes.ts";
import { fakeEdge } from "../../test/fake-edge.ts";
import { TimeoutError } from "../errors/index.ts";
import { waitForBtcFinality } from "./index.ts";

/** anvil's first dev account (public test material). */
const ANVIL_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

async function rpc(url: string, method: string, params: unknown[]): Promise<void> {
  await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
}

describe.skipIf(!haveAnvil)("waitForBtcFinality (anvil)", () => {
  let anvil: Running;
  beforeAll(async () => {
    anvil = await startAnvil(1);
  });
  afterAll(async () => {
    await anvil?.stop();
  });

  async function sendPending() {
    await rpc(anvil.url, "evm_setAutomine", [false]);
    const wallet = createWalletClient({
      account: privateKeyToAccount(ANVIL_KEY),
      transport: http(anvil.url),
    });
    return wallet.sendTransaction({
      to: "0x000000000000000000000000000000000000dEaD",
      value: parseEther("0.01"),
      chain: null,
    });
  }

  it("waits for the receipt, then for BTC finality of the transaction", async () => {
    const l2 = createPublicClient({ transport: http(anvil.url), pollingInterval: 10 });
    const hash = await sendPending();
    const edge = fakeEdge();
    edge.tx = "pending";
    const statuses: (string | null)[] = [];
    const done = waitForBtcFinality(l2, {
      hash,
      edge: edge.client,
      pollIntervalMs: 5,
      onUpdate: (a) => statuses.push(a?.status ?? null),
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(edge.calls).toHaveLength(0); // not mined yet: the edge is not asked
    await mineBlocks(anvil.url, 1);
    await expect.poll(() => statuses, { timeout: 5_000 }).toEqual(["pending"]);
    edge.tx = "finalized";
    const { receipt, finality } = await done;
    expect(receipt).toMatchObject({ transactionHash: hash, status: "success" });
    expect(finality).toMatchObject({ finalized: true, txHash: hash });
    expect(statuses).toEqual(["pending", "finalized"]);
  });

  it("creates the edge client from { url, chain } and bounds both waits with one timeout", async () => {
    const l2 = createPublicClient({ transport: http(anvil.url), pollingInterval: 10 });
    const hash = await sendPending(); // never mined
    const started = Date.now();
    const error = await waitForBtcFinality(l2, {
      hash,
      edge: { url: "http://127.0.0.1:9", chain: "c" },
      timeoutMs: 300,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
