// The chain core through the real CosmJS clients over HTTP: connect, balances, "auto" fee sends,
// tx lookup, block and block_results shapes, test-module messages and queries, JSON-RPC errors.
import { CosmWasmClient, SigningCosmWasmClient } from "@cosmjs/cosmwasm-stargate";
import { sha256 } from "@cosmjs/crypto";
import { toBech32, toHex } from "@cosmjs/encoding";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import {
  calculateFee,
  GasPrice,
  QueryClient,
  SigningStargateClient,
  StargateClient,
  setupBankExtension,
} from "@cosmjs/stargate";
import { Comet38Client, connectComet } from "@cosmjs/tendermint-rpc";
import { QueryBalanceRequest, QueryBalanceResponse } from "cosmjs-types/cosmos/bank/v1beta1/query";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChainCore, DevnetAccount } from "../../devnet/babylon/chain/start.ts";
import {
  decodeCounter,
  MSG_INCREMENT,
  QUERY_COUNTER,
  counterRegistry as registry,
  rpc,
  startCounterChain,
  TEST_CHAIN_ID,
} from "./support.ts";

let chain: ChainCore;
let accounts: DevnetAccount[];
const gasPrice = GasPrice.fromString("0.002ubbn");

/** What the ante handler emits for a tx before its messages run: the fee transfer, then `tx` events. */
const ANTE_EVENTS = ["coin_spent", "coin_received", "transfer", "message", "tx", "tx", "tx"];

beforeAll(async () => {
  ({ chain, accounts } = await startCounterChain(3));
});
afterAll(async () => {
  await chain?.stop();
});

const account = (i: number) => accounts[i] as DevnetAccount;

async function signer(i: number) {
  const wallet = await DirectSecp256k1HdWallet.fromMnemonic(account(i).mnemonic, { prefix: "bbn" });
  return SigningStargateClient.connectWithSigner(chain.rpcUrl, wallet, {
    gasPrice,
    broadcastPollIntervalMs: 50,
    registry,
  });
}

describe("connect", () => {
  it("StargateClient and CosmWasmClient detect Comet 0.38 and read chain id, height and balances", async () => {
    const detected = await connectComet(chain.rpcUrl);
    expect(detected).toBeInstanceOf(Comet38Client);
    detected.disconnect();
    const client = await StargateClient.connect(chain.rpcUrl);
    expect(await client.getChainId()).toBe(TEST_CHAIN_ID);
    const h1 = await client.getHeight();
    await chain.waitForHeight(h1 + 2);
    expect(await client.getHeight()).toBeGreaterThan(h1);
    expect(await client.getBalance(account(0).address, "ubbn")).toEqual({
      denom: "ubbn",
      amount: "1000000000000",
    });
    expect(await client.getAllBalances(account(1).address)).toEqual([
      { denom: "ubbn", amount: "1000000000000" },
    ]);
    const acct = await client.getAccount(account(2).address);
    expect(acct).toMatchObject({ address: account(2).address, accountNumber: 2, sequence: 0, pubkey: null });
    expect(await client.getAccount(toBech32("bbn", new Uint8Array(20).fill(7)))).toBeNull();
    const block = await client.getBlock();
    expect(block.header.chainId).toBe(TEST_CHAIN_ID);
    expect(block.id).toMatch(/^[0-9A-F]{64}$/);
    client.disconnect();

    const wasm = await CosmWasmClient.connect(chain.rpcUrl);
    expect(await wasm.getChainId()).toBe(TEST_CHAIN_ID);
    expect(await wasm.getHeight()).toBeGreaterThan(0);
    wasm.disconnect();
  });

  it("SigningCosmWasmClient.connectWithSigner works against the node", async () => {
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(account(0).mnemonic, { prefix: "bbn" });
    const client = await SigningCosmWasmClient.connectWithSigner(chain.rpcUrl, wallet, { gasPrice });
    expect(await client.getChainId()).toBe(TEST_CHAIN_ID);
    expect(await client.getSequence(account(0).address)).toMatchObject({ accountNumber: 0 });
    client.disconnect();
  });
});

describe("transactions", () => {
  it('sendTokens with "auto" fee is simulated, included, and found by hash with events', async () => {
    const client = await signer(0);
    const before = await client.getBalance(account(1).address, "ubbn");
    const result = await client.sendTokens(
      account(0).address,
      account(1).address,
      [{ denom: "ubbn", amount: "12345" }],
      "auto",
    );
    expect(result.code).toBe(0);
    expect(result.height).toBeGreaterThan(0);
    expect(result.gasUsed).toBeGreaterThan(0n);
    expect(result.gasUsed).toBeLessThanOrEqual(result.gasWanted);
    const after = await client.getBalance(account(1).address, "ubbn");
    expect(BigInt(after.amount) - BigInt(before.amount)).toBe(12345n);

    const found = await client.getTx(result.transactionHash);
    expect(found).not.toBeNull();
    expect(found?.height).toBe(result.height);
    expect(found?.hash).toBe(result.transactionHash);
    const types = found?.events.map((e) => e.type);
    expect(types).toEqual([...ANTE_EVENTS, "message", "coin_spent", "coin_received", "transfer", "message"]);
    const action = found?.events[7]?.attributes;
    expect(action).toEqual([
      { key: "action", value: "/cosmos.bank.v1beta1.MsgSend" },
      { key: "sender", value: account(0).address },
      { key: "module", value: "bank" },
      { key: "msg_index", value: "0" },
    ]);
    expect(found?.msgResponses).toEqual([
      { typeUrl: "/cosmos.bank.v1beta1.MsgSendResponse", value: new Uint8Array() },
    ]);

    // The account now has its public key and sequence 1.
    const acct = await client.getAccount(account(0).address);
    expect(acct?.sequence).toBe(1);
    expect(acct?.pubkey?.type).toBe("tendermint/PubKeySecp256k1");

    // Searches: by sender and by height.
    const bySender = await client.searchTx([{ key: "message.sender", value: account(0).address }]);
    expect(bySender.map((t) => t.hash)).toContain(result.transactionHash);
    const byHeight = await client.searchTx(`tx.height=${result.height}`);
    expect(byHeight.map((t) => t.hash)).toContain(result.transactionHash);

    // block_results carries the same result.
    const comet = await Comet38Client.connect(chain.rpcUrl);
    const results = await comet.blockResults(result.height);
    expect(results.results[found?.txIndex ?? -1]?.code).toBe(0);
    const block = await comet.block(result.height);
    expect(block.block.txs.length).toBeGreaterThan(0);
    expect(block.block.header.lastBlockId).not.toBeNull();
    comet.disconnect();
    client.disconnect();
  });

  it("a module message and query: writes kept on success, dropped on failure (fee and sequence still charged)", async () => {
    const client = await signer(2);
    const address = account(2).address;
    const query = async () => {
      const comet = await Comet38Client.connect(chain.rpcUrl);
      const response = await comet.abciQuery({ path: QUERY_COUNTER, data: new Uint8Array() });
      comet.disconnect();
      return decodeCounter(response.value);
    };
    const start = await query();
    const ok = await client.signAndBroadcast(
      address,
      [{ typeUrl: MSG_INCREMENT, value: { sender: address, amount: 5, fail: false } }],
      "auto",
    );
    expect(ok.rawLog).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.events.find((e) => e.type === "increment")?.attributes[0]).toEqual({
      key: "value",
      value: String(start + 5),
    });
    expect(await query()).toBe(start + 5);

    const balanceBefore = BigInt((await client.getBalance(address, "ubbn")).amount);
    const sequenceBefore = (await client.getSequence(address)).sequence;
    const fee = calculateFee(200_000, gasPrice);
    const failed = await client.signAndBroadcast(
      address,
      [{ typeUrl: MSG_INCREMENT, value: { sender: address, amount: 7, fail: true } }],
      fee,
    );
    expect(failed.code).toBe(7);
    expect(failed.rawLog).toBe("failed to execute message; message index: 0: forced failure: counter failed");
    expect(failed.events.map((e) => e.type)).toEqual(ANTE_EVENTS);
    expect(await query()).toBe(start + 5);
    const balanceAfter = BigInt((await client.getBalance(address, "ubbn")).amount);
    expect(balanceBefore - balanceAfter).toBe(400n);
    expect((await client.getSequence(address)).sequence).toBe(sequenceBefore + 1);

    const comet = await Comet38Client.connect(chain.rpcUrl);
    const tx = await comet.tx({ hash: Buffer.from(failed.transactionHash, "hex") });
    expect(tx.result.code).toBe(7);
    expect(tx.result.codespace).toBe("counter");
    comet.disconnect();
    client.disconnect();
  });
});

describe("JSON-RPC", () => {
  it("unknown method, bad params, batch and notification", async () => {
    const unknown = await rpc(chain.rpcUrl, { jsonrpc: "2.0", id: 7, method: "no_such_method", params: {} });
    expect(unknown).toEqual({
      status: 200,
      json: { jsonrpc: "2.0", id: 7, error: { code: -32601, message: "Method not found" } },
    });
    const badParams = await rpc(chain.rpcUrl, {
      jsonrpc: "2.0",
      id: "a",
      method: "block",
      params: { height: 1 },
    });
    expect(badParams.json).toMatchObject({ id: "a", error: { code: -32602, message: "Invalid params" } });
    const tooHigh = await rpc(chain.rpcUrl, {
      jsonrpc: "2.0",
      id: 1,
      method: "block",
      params: { height: "999999" },
    });
    expect(tooHigh.json).toMatchObject({
      error: {
        code: -32603,
        message: "Internal error",
        data: expect.stringMatching(
          /^height 999999 must be less than or equal to the current blockchain height \d+$/,
        ),
      },
    });
    const parse = await rpc(chain.rpcUrl, "{not json");
    expect(parse.status).toBe(500);
    expect(parse.json).toMatchObject({ error: { code: -32700 } });
    const batch = await rpc(chain.rpcUrl, [
      { jsonrpc: "2.0", id: 1, method: "health" },
      { jsonrpc: "2.0", method: "health" },
      { jsonrpc: "2.0", id: 2, method: "abci_info" },
    ]);
    expect(Array.isArray(batch.json)).toBe(true);
    expect((batch.json as unknown[]).length).toBe(2);
    const notification = await rpc(chain.rpcUrl, { jsonrpc: "2.0", method: "health" });
    expect(notification.json).toBeUndefined();
    const uri = await fetch(`${chain.rpcUrl}/block?height=1`).then((r) => r.json());
    expect(uri).toMatchObject({ id: -1, result: { block: { header: { height: "1" } } } });
  });

  it("abci_query: unknown path, module failure mapping, not-found account", async () => {
    const comet = await Comet38Client.connect(chain.rpcUrl);
    const unknown = await comet.abciQuery({ path: "/no.such.v1.Query/Thing", data: new Uint8Array() });
    expect(unknown).toMatchObject({ code: 6, codespace: "sdk", log: "unknown query path: unknown request" });
    const failing = await comet.abciQuery({ path: "/devnet.test.v1.Query/Fail", data: new Uint8Array() });
    expect(failing).toMatchObject({
      code: 6,
      codespace: "sdk",
      log: "no such thing: counter query failed: unknown request",
    });
    expect(failing.height).toBeGreaterThan(0);
    comet.disconnect();
  });
});

describe("CometBFT RPC methods decode with CosmJS's comet38 adaptor", () => {
  it("broadcast_tx_commit, tx with proof, tx_search, blocks, commit, validators, genesis, historical queries", async () => {
    const client = await signer(1);
    const address = account(1).address;
    const comet = await Comet38Client.connect(chain.rpcUrl);
    const fee = calculateFee(200_000, gasPrice);

    // broadcast_tx_commit waits for the block: a message failing in DeliverTx passes CheckTx.
    const failing = await client.sign(
      address,
      [{ typeUrl: MSG_INCREMENT, value: { sender: address, amount: 1, fail: true } }],
      fee,
      "",
    );
    const committed = await comet.broadcastTxCommit({ tx: TxRaw.encode(failing).finish() });
    expect(committed.checkTx.code).toBe(0);
    expect(committed.checkTx.gasWanted).toBe(200_000n);
    expect(committed.txResult?.code).toBe(7);
    expect(committed.height).toBeGreaterThan(0);

    // broadcast_tx_async answers with the hash only.
    const sendMsg = {
      typeUrl: "/cosmos.bank.v1beta1.MsgSend",
      value: {
        fromAddress: address,
        toAddress: account(0).address,
        amount: [{ denom: "ubbn", amount: "3" }],
      },
    };
    const asyncTx = TxRaw.encode(await client.sign(address, [sendMsg], fee, "async")).finish();
    const asyncResult = await comet.broadcastTxAsync({ tx: asyncTx });
    const pending = await comet.numUnconfirmedTxs();
    expect(pending.total).toBeLessThanOrEqual(1);
    await chain.waitForHeight(chain.height() + 1);

    const tx = await comet.tx({ hash: asyncResult.hash, prove: true });
    expect(tx.result.code).toBe(0);
    expect(tx.proof?.rootHash.length).toBe(32);
    expect(toHex(tx.proof?.proof.leafHash ?? new Uint8Array())).toBe(
      toHex(sha256(new Uint8Array([0, ...sha256(asyncTx)]))),
    );
    const search = await comet.txSearch({ query: `tx.height=${tx.height}`, prove: false });
    expect(search.totalCount).toBeGreaterThanOrEqual(1);
    const desc = await comet.txSearch({
      query: `tx.height>=1 AND message.sender='${address}'`,
      order_by: "desc",
    });
    expect(desc.txs[0]?.height).toBeGreaterThanOrEqual(desc.txs.at(-1)?.height ?? 0);

    const block = await comet.block(tx.height);
    expect(block.block.txs.map((t) => toHex(sha256(t)))).toContain(toHex(asyncResult.hash));
    const results = await comet.blockResults(tx.height);
    expect(results.results.length).toBe(block.block.txs.length);
    const next = await comet.block(tx.height + 1).catch(() => undefined);
    if (next) expect(next.block.header.lastBlockId?.hash).toEqual(block.blockId.hash);
    const commit = await comet.commit(tx.height);
    expect(commit.commit.blockId.hash).toEqual(block.blockId.hash);
    expect(commit.header.appHash).toEqual(block.block.header.appHash);
    const chainInfo = await comet.blockchain(1, tx.height);
    expect(chainInfo.blockMetas[0]?.header.height).toBe(tx.height);
    const validators = await comet.validators({});
    expect(validators.total).toBe(1);
    const genesis = await comet.genesis();
    expect(genesis.chainId).toBe(TEST_CHAIN_ID);
    const blocksFound = await comet.blockSearch({ query: `block.height=${tx.height}` });
    expect(blocksFound.totalCount).toBe(1);
    const info = await comet.abciInfo();
    expect(info.lastBlockHeight).toBeGreaterThanOrEqual(tx.height);
    await comet.health();

    // Historical state: the sender's balance before this tx is still queryable at the earlier height.
    const bank = QueryClient.withExtensions(comet, setupBankExtension);
    const now = await bank.bank.balance(address, "ubbn");
    const atBlock = await comet.abciQuery({
      path: "/cosmos.bank.v1beta1.Query/Balance",
      data: QueryBalanceRequest.encode({ address, denom: "ubbn" }).finish(),
      height: tx.height - 1,
    });
    expect(atBlock.height).toBe(tx.height - 1);
    const earlier = QueryBalanceResponse.decode(atBlock.value).balance?.amount ?? "0";
    expect(BigInt(earlier) - BigInt(now.amount)).toBeGreaterThanOrEqual(403n);
    const future = await comet.abciQuery({
      path: "/cosmos.bank.v1beta1.Query/Balance",
      data: new Uint8Array(),
      height: 10_000_000,
    });
    expect(future).toMatchObject({
      code: 26,
      log: "cannot query with height in the future; please provide a valid height: invalid height",
    });
    comet.disconnect();
    client.disconnect();
  });
});
