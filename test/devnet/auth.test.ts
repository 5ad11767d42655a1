// CheckTx and DeliverTx failures with the SDK's codes and logs, through the real CosmJS clients:
// replays, forged signatures, wrong chain id, low fees, insufficient funds, out of gas. A CheckTx
// failure changes nothing; a DeliverTx failure still charges the fee and bumps the sequence.
import { toBech32 } from "@cosmjs/encoding";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import {
  BroadcastTxError,
  calculateFee,
  GasPrice,
  SigningStargateClient,
  type StdFee,
} from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChainCore, DevnetAccount } from "../../devnet/babylon/chain/start.ts";
import { MSG_INCREMENT, counterRegistry as registry, startCounterChain, TEST_CHAIN_ID } from "./support.ts";

let chain: ChainCore;
let accounts: DevnetAccount[];
const gasPrice = GasPrice.fromString("0.002ubbn");
const fee: StdFee = calculateFee(200_000, gasPrice); // 400ubbn

beforeAll(async () => {
  ({ chain, accounts } = await startCounterChain(3));
});
afterAll(async () => {
  await chain?.stop();
});

const account = (i: number) => accounts[i] as DevnetAccount;
const send = (to: string, amount: string) => ({
  typeUrl: "/cosmos.bank.v1beta1.MsgSend",
  value: { fromAddress: "", toAddress: to, amount: [{ denom: "ubbn", amount }] },
});

async function client(mnemonic: string) {
  const wallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonic, { prefix: "bbn" });
  const [first] = await wallet.getAccounts();
  const signing = await SigningStargateClient.connectWithSigner(chain.rpcUrl, wallet, {
    gasPrice,
    broadcastPollIntervalMs: 50,
    registry,
  });
  return { signing, address: first?.address ?? "" };
}

async function sendMsg(from: string, to: string, amount: string) {
  const msg = send(to, amount);
  msg.value.fromAddress = from;
  return msg;
}

async function state(c: SigningStargateClient, address: string) {
  const [balance, sequence] = await Promise.all([c.getBalance(address, "ubbn"), c.getSequence(address)]);
  return { balance: balance.amount, sequence: sequence.sequence };
}

async function broadcastRejected(c: SigningStargateClient, tx: Uint8Array): Promise<BroadcastTxError> {
  try {
    await c.broadcastTxSync(tx);
  } catch (error) {
    expect(error).toBeInstanceOf(BroadcastTxError);
    return error as BroadcastTxError;
  }
  throw new Error("broadcast was accepted");
}

describe("CheckTx rejections change nothing", () => {
  it("re-broadcast of included bytes hits the mempool cache; an old sequence is a sequence mismatch", async () => {
    const { signing, address } = await client(account(0).mnemonic);
    const to = account(1).address;
    const signed = await signing.sign(address, [await sendMsg(address, to, "1000")], fee, "first");
    const bytes = TxRaw.encode(signed).finish();
    const included = await signing.broadcastTx(bytes, 10_000, 50);
    expect(included.code).toBe(0);
    const before = await state(signing, address);
    expect(before.sequence).toBe(1);

    // The same bytes again: CometBFT's cache answers before CheckTx (JSON-RPC internal error).
    const comet = await Comet38Client.connect(chain.rpcUrl);
    await expect(comet.broadcastTxSync({ tx: bytes })).rejects.toThrow(
      JSON.stringify({ code: -32603, message: "Internal error", data: "tx already exists in cache" }),
    );

    // A new tx signed with the consumed sequence 0: the ante handler's sequence check.
    const replay = await signing.sign(address, [await sendMsg(address, to, "1000")], fee, "replay", {
      accountNumber: 0,
      sequence: 0,
      chainId: TEST_CHAIN_ID,
    });
    const error = await broadcastRejected(signing, TxRaw.encode(replay).finish());
    expect(error.code).toBe(32);
    expect(error.codespace).toBe("sdk");
    expect(error.log).toBe("account sequence mismatch, expected 1, got 0: incorrect account sequence");
    await chain.waitForHeight(chain.height() + 2);
    expect(await state(signing, address)).toEqual(before);
    comet.disconnect();
    signing.disconnect();
  });

  it("a forged signature and a wrong chain id fail signature verification (code 4)", async () => {
    const { signing, address } = await client(account(1).mnemonic);
    // Give the account its public key first (its first tx).
    expect(
      (await signing.sendTokens(address, account(2).address, [{ denom: "ubbn", amount: "1" }], fee)).code,
    ).toBe(0);
    const before = await state(signing, address);

    const signed = await signing.sign(address, [await sendMsg(address, account(2).address, "5")], fee, "");
    const forged = TxRaw.fromPartial({
      ...signed,
      signatures: [Uint8Array.from(signed.signatures[0] ?? [])],
    });
    const signature = forged.signatures[0] as Uint8Array;
    signature[10] = (signature[10] as number) ^ 0xff;
    const forgedError = await broadcastRejected(signing, TxRaw.encode(forged).finish());
    expect(forgedError.code).toBe(4);
    expect(forgedError.codespace).toBe("sdk");
    expect(forgedError.log).toBe(
      `signature verification failed; please verify account number (1) and chain-id (${TEST_CHAIN_ID}): (unable to verify single signer signature): unauthorized`,
    );

    const wrongChain = await signing.sign(
      address,
      [await sendMsg(address, account(2).address, "5")],
      fee,
      "",
      {
        accountNumber: 1,
        sequence: before.sequence,
        chainId: "some-other-chain",
      },
    );
    const chainError = await broadcastRejected(signing, TxRaw.encode(wrongChain).finish());
    expect(chainError.code).toBe(4);

    await chain.waitForHeight(chain.height() + 2);
    expect(await state(signing, address)).toEqual(before);
    // The genuine tx still goes through with the unchanged sequence.
    expect((await signing.broadcastTx(TxRaw.encode(signed).finish(), 10_000, 50)).code).toBe(0);
    signing.disconnect();
  });

  it("fee below the minimum gas price (13), funds below the fee (5), gas below the ante cost (11)", async () => {
    const { signing, address } = await client(account(2).mnemonic);
    const before = await state(signing, address);
    const low = await signing.sign(
      address,
      [await sendMsg(address, account(0).address, "5")],
      { amount: [{ denom: "ubbn", amount: "399" }], gas: "200000" },
      "",
    );
    const lowError = await broadcastRejected(signing, TxRaw.encode(low).finish());
    expect([lowError.code, lowError.codespace, lowError.log]).toEqual([
      13,
      "sdk",
      "insufficient fees; got: 399 required: 400: insufficient fee",
    ]);

    const tiny = await signing.sign(
      address,
      [await sendMsg(address, account(0).address, "5")],
      { amount: [{ denom: "ubbn", amount: "2" }], gas: "1000" },
      "",
    );
    const gasError = await broadcastRejected(signing, TxRaw.encode(tiny).finish());
    expect(gasError.code).toBe(11);
    expect(gasError.log).toMatch(/^out of gas in location: \w+; gasWanted: 1000, gasUsed: \d+: out of gas$/);
    expect(await state(signing, address)).toEqual(before);

    // A fresh account holding less than the fee.
    const poor = await DirectSecp256k1HdWallet.generate(12, { prefix: "bbn" });
    const [poorAccount] = await poor.getAccounts();
    const poorAddress = poorAccount?.address ?? "";
    expect(
      (await signing.sendTokens(address, poorAddress, [{ denom: "ubbn", amount: "100" }], fee)).code,
    ).toBe(0);
    const poorClient = await client(poor.mnemonic);
    const broke = await poorClient.signing.sign(
      poorAddress,
      [await sendMsg(poorAddress, address, "1")],
      fee,
      "",
    );
    const brokeError = await broadcastRejected(poorClient.signing, TxRaw.encode(broke).finish());
    expect([brokeError.code, brokeError.log]).toEqual([
      5,
      "spendable balance 100ubbn is smaller than 400ubbn: insufficient funds: insufficient funds",
    ]);
    expect(await state(poorClient.signing, poorAddress)).toEqual({ balance: "100", sequence: 0 });
    // Unknown signer account.
    const stranger = await DirectSecp256k1HdWallet.generate(12, { prefix: "bbn" });
    const strangerClient = await client(stranger.mnemonic);
    await expect(
      strangerClient.signing.sendTokens(
        strangerClient.address,
        address,
        [{ denom: "ubbn", amount: "1" }],
        fee,
      ),
    ).rejects.toThrow(/does not exist on chain/);
    poorClient.signing.disconnect();
    strangerClient.signing.disconnect();
    signing.disconnect();
  });
});

describe("DeliverTx failures keep the ante's fee and sequence", () => {
  it("out of gas inside a message: code 11, fee charged, sequence bumped, message writes dropped", async () => {
    const { signing, address } = await client(account(0).mnemonic);
    const before = await state(signing, address);
    const result = await signing.signAndBroadcast(
      address,
      [{ typeUrl: MSG_INCREMENT, value: { sender: address, amount: 500_000, fail: false } }],
      fee,
    );
    expect(result.code).toBe(11);
    expect(result.rawLog).toMatch(
      /^out of gas in location: counter increment; gasWanted: 200000, gasUsed: \d+: out of gas$/,
    );
    expect(result.gasUsed).toBeGreaterThan(200_000n);
    const after = await state(signing, address);
    expect(BigInt(before.balance) - BigInt(after.balance)).toBe(400n);
    expect(after.sequence).toBe(before.sequence + 1);
    signing.disconnect();
  });

  it("a message naming another signer is rejected at CheckTx (unknown fee payer, or pubkey mismatch)", async () => {
    const { signing, address } = await client(account(0).mnemonic);
    const other = toBech32("bbn", new Uint8Array(20).fill(3));
    const signed = await signing.sign(
      address,
      [{ typeUrl: MSG_INCREMENT, value: { sender: other, amount: 1, fail: false } }],
      fee,
      "",
    );
    const error = await broadcastRejected(signing, TxRaw.encode(signed).finish());
    expect(error.code).toBe(9);
    expect(error.log).toBe(`fee payer address: ${other} does not exist: unknown address`);
    const existing = account(1).address;
    const mismatched = await signing.sign(
      address,
      [{ typeUrl: MSG_INCREMENT, value: { sender: existing, amount: 1, fail: false } }],
      fee,
      "",
    );
    const mismatch = await broadcastRejected(signing, TxRaw.encode(mismatched).finish());
    expect([mismatch.code, mismatch.log]).toEqual([
      8,
      `pubKey does not match signer address ${existing} with signer index: 0: invalid pubkey`,
    ]);
    signing.disconnect();
  });
});
