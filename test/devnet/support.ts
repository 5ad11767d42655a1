/**
 * Test support for the Babylon devnet core: a generated genesis (fresh mnemonics, devnet only), a
 * counter module (message + query + begin-block) to exercise the core without the Babylon modules,
 * and raw JSON-RPC helpers.
 */
import type { GeneratedType } from "@cosmjs/proto-signing";
import { DirectSecp256k1HdWallet, Registry } from "@cosmjs/proto-signing";
import { defaultRegistryTypes } from "@cosmjs/stargate";
import { BinaryReader, BinaryWriter } from "cosmjs-types/binary";
import type { ChainModule, TxContext } from "../../devnet/babylon/chain/module.ts";
import { TxFailure } from "../../devnet/babylon/chain/module.ts";
import {
  type ChainCore,
  type DevnetAccount,
  deriveAccounts,
  startChainCore,
} from "../../devnet/babylon/chain/start.ts";
import type { DevnetGenesis } from "../../devnet/babylon/genesis.ts";

export const TEST_CHAIN_ID = "bbn-devnet-test-1";

/** A genesis with `count` fresh accounts (`acct-0`…) holding 1 000 000 bbn each. */
export async function testGenesis(count = 3): Promise<DevnetGenesis> {
  const accounts = [];
  for (let i = 0; i < count; i++) {
    const wallet = await DirectSecp256k1HdWallet.generate(12, { prefix: "bbn" });
    accounts.push({ name: `acct-${i}`, mnemonic: wallet.mnemonic, balanceUbbn: "1000000000000" });
  }
  return {
    chainId: TEST_CHAIN_ID,
    genesisTime: "2025-01-01T00:00:00Z",
    accounts,
    consumers: [],
    btc: { baseHeight: 100, baseTime: 1_735_689_600, k: 2, w: 4 },
    btcstaking: { covenantQuorum: 1, minStakingValueSat: 10_000 },
    minGasPriceUbbn: 0.002,
  };
}

export const MSG_INCREMENT = "/devnet.test.v1.MsgIncrement";
export const QUERY_COUNTER = "/devnet.test.v1.Query/Counter";

export type MsgIncrement = { sender: string; amount: number; fail: boolean };

/** Protobuf codec of the test message: sender = 1 (the signer field), amount = 2, fail = 3. */
export const MsgIncrementType: GeneratedType = {
  encode(message: MsgIncrement, writer = BinaryWriter.create()) {
    if (message.sender) writer.uint32(10).string(message.sender);
    if (message.amount) writer.uint32(16).uint64(message.amount);
    if (message.fail) writer.uint32(24).bool(message.fail);
    return writer;
  },
  decode(input: Uint8Array): MsgIncrement {
    const reader = new BinaryReader(input);
    const message: MsgIncrement = { sender: "", amount: 0, fail: false };
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      if (tag >>> 3 === 1) message.sender = reader.string();
      else if (tag >>> 3 === 2) message.amount = Number(reader.uint64());
      else if (tag >>> 3 === 3) message.fail = reader.bool();
      else reader.skipType(tag & 7);
    }
    return message;
  },
  fromPartial(object: Partial<MsgIncrement>): MsgIncrement {
    return { sender: object.sender ?? "", amount: object.amount ?? 0, fail: object.fail ?? false };
  },
} as unknown as GeneratedType;

/** Counter module: `MsgIncrement` adds to `counter/value` (then fails if asked, after writing); the query reads it. */
export const counterModule: ChainModule = {
  name: "counter",
  messages: {
    [MSG_INCREMENT]: (value: Uint8Array, ctx: TxContext) => {
      const msg = (MsgIncrementType as unknown as { decode(v: Uint8Array): MsgIncrement }).decode(value);
      if (msg.sender !== ctx.signer)
        throw new TxFailure("counter", 2, `sender ${msg.sender} is not the signer`);
      const next = (ctx.store.get<number>("counter/value") ?? 0) + msg.amount;
      ctx.store.set("counter/value", next);
      ctx.consumeGas(msg.amount, "counter increment");
      ctx.emit({ type: "increment", attributes: [{ key: "value", value: String(next) }] });
      if (msg.fail) throw new TxFailure("counter", 7, "forced failure: counter failed");
      return new Uint8Array();
    },
  },
  queries: {
    [QUERY_COUNTER]: (_request, ctx) => {
      const writer = BinaryWriter.create();
      const value = ctx.store.get<number>("counter/value") ?? 0;
      if (value) writer.uint32(8).uint64(value);
      return writer.finish();
    },
    "/devnet.test.v1.Query/Fail": () => {
      throw new TxFailure("counter", 9, "no such thing: counter query failed");
    },
  },
  beginBlock(ctx) {
    ctx.store.set("counter/blocks", (ctx.store.get<number>("counter/blocks") ?? 0) + 1);
  },
};

/** The SDK's message types plus `MsgIncrement`, for signing clients of the counter chain. */
export const counterRegistry = new Registry([...defaultRegistryTypes, [MSG_INCREMENT, MsgIncrementType]]);

/** The chain core with the counter module only, over `testGenesis(count)`: 100 ms blocks, a free port, quiet. */
export async function startCounterChain(
  count = 3,
): Promise<{ chain: ChainCore; genesis: DevnetGenesis; accounts: DevnetAccount[] }> {
  const genesis = await testGenesis(count);
  const accounts = await deriveAccounts(genesis);
  const chain = await startChainCore({
    genesis,
    blockMs: 100,
    accounts,
    modules: [counterModule],
    genesisSteps: [],
    port: 0,
    log: () => {},
  });
  return { chain, genesis, accounts };
}

export const decodeCounter = (value: Uint8Array): number => {
  const reader = new BinaryReader(value);
  let out = 0;
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 === 1) out = Number(reader.uint64());
    else reader.skipType(tag & 7);
  }
  return out;
};

/** One JSON-RPC POST; returns the parsed body and HTTP status. */
export async function rpc(url: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
