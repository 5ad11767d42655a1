// Persistence: a chain with a data dir resumes after stop/start with its height, balances, sequences,
// blocks and tx index; another genesis refuses the same data dir.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { GasPrice, SigningStargateClient, StargateClient } from "@cosmjs/stargate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultGenesis } from "../../devnet/babylon/genesis-load.ts";
import { type BabylonChain, startBabylonChain } from "../../devnet/babylon/index.ts";
import { createFinalityQueryClient } from "../../src/babylon/index.ts";

const genesis = defaultGenesis();
const timing = { blockMs: 100, btcBlockMs: 1000, epochBlocks: 5, finalizeDelay: 2 };
const gasPrice = GasPrice.fromString(`${genesis.minGasPriceUbbn}ubbn`);
let dataDir: string;
const started: BabylonChain[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "babylon-devnet-"));
});
afterAll(async () => {
  for (const chain of started) await chain.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function start(options: { dataDir?: string; genesis?: typeof genesis } = {}): Promise<BabylonChain> {
  const chain = await startBabylonChain({
    genesis: options.genesis ?? genesis,
    timing,
    port: 0,
    log: () => {},
    ...options,
  });
  started.push(chain);
  return chain;
}

describe("restart from the data dir", () => {
  it("continues the height with balances, sequences, blocks, txs and contract state kept", async () => {
    const first = await start({ dataDir });
    expect(first.resumed).toBe(false);
    const [from, to] = first.accounts;
    if (!from || !to) throw new Error("genesis needs two accounts");
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(from.mnemonic, { prefix: "bbn" });
    const signing = await SigningStargateClient.connectWithSigner(first.rpcUrl, wallet, {
      gasPrice,
      broadcastPollIntervalMs: 50,
    });
    const sent = await signing.sendTokens(
      from.address,
      to.address,
      [{ denom: "ubbn", amount: "777" }],
      "auto",
    );
    expect(sent.code).toBe(0);
    const balanceFrom = await signing.getBalance(from.address, "ubbn");
    const balanceTo = await signing.getBalance(to.address, "ubbn");
    const sequence = await signing.getSequence(from.address);
    const blockBefore = await signing.getBlock(sent.height);
    signing.disconnect();
    await first.waitForHeight(first.height() + 1);
    await first.stop();
    const stoppedAt = first.height();

    const second = await start({ dataDir });
    expect(second.resumed).toBe(true);
    expect(second.height()).toBe(stoppedAt);
    await second.waitForHeight(stoppedAt + 2);
    const client = await StargateClient.connect(second.rpcUrl);
    expect(await client.getHeight()).toBeGreaterThanOrEqual(stoppedAt + 2);
    expect(await client.getBalance(from.address, "ubbn")).toEqual(balanceFrom);
    expect(await client.getBalance(to.address, "ubbn")).toEqual(balanceTo);
    expect(await client.getSequence(from.address)).toEqual(sequence);
    // Blocks are rebuilt from the snapshot with the same ids and headers.
    expect(await client.getBlock(sent.height)).toEqual(blockBefore);
    const found = await client.getTx(sent.transactionHash);
    expect(found?.height).toBe(sent.height);
    expect(found?.code).toBe(0);
    // Block times continue from the saved chain on the wall clock: later, never earlier, and not in the future.
    const before = await client.getBlock(stoppedAt);
    const after = await client.getBlock(stoppedAt + 1);
    expect(Date.parse(after.header.time)).toBeGreaterThan(Date.parse(before.header.time));
    expect(Date.parse(after.header.time)).toBeLessThanOrEqual(Date.now());
    const contract = second.contracts[0];
    if (contract)
      expect((await createFinalityQueryClient(second.rpcUrl, contract.address).config()).bsn_id).toBe(
        contract.bsnId,
      );
    client.disconnect();

    // The next tx uses the next sequence.
    const signing2 = await SigningStargateClient.connectWithSigner(second.rpcUrl, wallet, {
      gasPrice,
      broadcastPollIntervalMs: 50,
    });
    expect(
      (await signing2.sendTokens(from.address, to.address, [{ denom: "ubbn", amount: "1" }], "auto")).code,
    ).toBe(0);
    signing2.disconnect();
    await second.stop();
  });

  it("refuses a data dir written under another genesis", async () => {
    const other = { ...genesis, chainId: "bbn-other-1" };
    await expect(start({ dataDir, genesis: other })).rejects.toThrow(/another genesis/);
  });
});
