import { fromBech32 } from "@cosmjs/encoding";
import {
  QueryContractInfoRequest,
  QueryContractInfoResponse,
  QuerySmartContractStateRequest,
  QuerySmartContractStateResponse,
} from "cosmjs-types/cosmwasm/wasm/v1/query";
import {
  MsgExecuteContract,
  MsgExecuteContractResponse,
  MsgMigrateContract,
} from "cosmjs-types/cosmwasm/wasm/v1/tx";
import { beforeEach, describe, expect, it } from "vitest";
import { PANIC_LOCATION } from "../../../../src/contract-rules/index.ts";
import { base64ToBytes, bytesToHex, signingContext, utf8ToBytes } from "../../../../src/crypto/index.ts";
import { createFinalityProviderSigner, type FinalityProviderSigner } from "../../../../src/provider/index.ts";
import { type AbciEvent, type BlockContext, type TxContext, TxFailure } from "../../chain/module.ts";
import type { DevnetGenesis, GenesisFinalityProvider } from "../../genesis.ts";
import { CacheStore, type KVStore, MemoryStore } from "../../store/kv-store.ts";
import { address, FakeHost, hashOf, SK_1, SK_2 } from "../finality-contract/test-support.ts";
import { createWasmModule, type WasmModule } from "./index.ts";

const CHAIN_ID = "bbn-devnet-1";
const SK_3 = hashOf("wasm test fp 3");
const fp = (account: string, secretKey: Uint8Array): GenesisFinalityProvider => ({
  account,
  btcSecretKeyHex: bytesToHex(secretKey),
  moniker: account,
  commission: "0.05",
  delegations: [],
});
const contractFields = {
  admin: "admin",
  min_pub_rand: 4,
  rate_limiting_interval: 10,
  max_msgs_per_interval: 100,
  bsn_activation_height: 10,
  finality_signature_interval: 5,
};
const GENESIS: DevnetGenesis = {
  chainId: CHAIN_ID,
  genesisTime: "2026-01-01T00:00:00Z",
  accounts: ["admin", "fp-1", "fp-2", "fp-3"].map((name) => ({ name, mnemonic: "", balanceUbbn: "1000000" })),
  consumers: [
    {
      bsnId: "rollup-a",
      contract: { ...contractFields, allowlist: "all" },
      finalityProviders: [fp("fp-1", SK_1), fp("fp-2", SK_2)],
    },
    {
      bsnId: "rollup-b",
      contract: { ...contractFields, allowlist: ["fp-3"] },
      finalityProviders: [fp("fp-2", hashOf("unlisted")), fp("fp-3", SK_3)],
    },
  ],
  btc: { baseHeight: 0, baseTime: 0, k: 2, w: 4 },
  btcstaking: { covenantQuorum: 1, minStakingValueSat: 1000 },
  minGasPriceUbbn: 0.002,
};
const ADMIN = address("admin");
const FP1_ACCOUNT = address("fp-1");

type TestTx = TxContext & { events: AbciEvent[]; gas: number; overlay: CacheStore };

function blockContext(store: KVStore, height: number): BlockContext {
  return { height, time: new Date(Date.UTC(2026, 0, 1, 0, 0, height)), chainId: CHAIN_ID, store };
}

/** A tx context over an overlay of `store`; `commit()` it to keep the writes. */
function txContext(store: KVStore, height: number, signer: string): TestTx {
  const overlay = new CacheStore(store);
  const tx: TestTx = {
    ...blockContext(overlay, height),
    signer,
    events: [],
    gas: 0,
    overlay,
    emit: (event) => tx.events.push(event),
    consumeGas: (amount) => {
      tx.gas += amount;
    },
  };
  return tx;
}

function failure(fn: () => unknown): TxFailure {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TxFailure);
    return error as TxFailure;
  }
  throw new Error("expected a TxFailure");
}

let store: MemoryStore;
let host: FakeHost;
let wasm: WasmModule;
let contractA: string;
let signer1: FinalityProviderSigner;

const handler = (typeUrl: string) => {
  const found = wasm.module.messages?.[typeUrl];
  if (found === undefined) throw new Error(`no handler for ${typeUrl}`);
  return found;
};
const queryHandler = (path: string) => {
  const found = wasm.module.queries?.[path];
  if (found === undefined) throw new Error(`no query ${path}`);
  return found;
};

/** A fresh signer of FP 1 for contract A (its own double-sign guard and proof store). */
const fp1Signer = (): FinalityProviderSigner =>
  createFinalityProviderSigner({
    secretKey: SK_1,
    bsnId: "rollup-a",
    babylonChainId: CHAIN_ID,
    contractAddress: contractA,
    bsnActivationHeight: 10,
    finalitySignatureInterval: 5,
  });

/** Runs MsgExecuteContract like the chain: events and writes kept only on success. */
function execute(
  msg: unknown,
  options: { height?: number; sender?: string; signer?: string; contract?: string } = {},
) {
  const sender = options.sender ?? FP1_ACCOUNT;
  const tx = txContext(store, options.height ?? 3, options.signer ?? sender);
  const value = MsgExecuteContract.encode({
    sender,
    contract: options.contract ?? contractA,
    msg: typeof msg === "string" ? utf8ToBytes(msg) : utf8ToBytes(JSON.stringify(msg)),
    funds: [{ denom: "ubbn", amount: "5" }],
  }).finish();
  const response = handler("/cosmwasm.wasm.v1.MsgExecuteContract")(value, tx);
  tx.overlay.commit();
  return { tx, response };
}

function smartQuery(query: unknown, contract = contractA): unknown {
  const request = QuerySmartContractStateRequest.encode({
    address: contract,
    queryData: typeof query === "string" ? utf8ToBytes(query) : utf8ToBytes(JSON.stringify(query)),
  }).finish();
  const response = queryHandler("/cosmwasm.wasm.v1.Query/SmartContractState")(
    request,
    blockContext(store, 3),
  );
  return JSON.parse(new TextDecoder().decode(QuerySmartContractStateResponse.decode(response).data));
}

beforeEach(() => {
  store = new MemoryStore();
  host = new FakeHost();
  wasm = createWasmModule({ genesis: GENESIS, host, addressOf: address });
  wasm.initGenesis(blockContext(store, 1));
  contractA = wasm.contracts[0]?.address as string;
  signer1 = fp1Signer();
  host.register(signer1.publicKeyHex, { bsnId: "rollup-a" });
});

describe("genesis", () => {
  it("one contract per consumer at a deterministic 32-byte bbn address", () => {
    expect(wasm.module.name).toBe("wasm");
    expect(wasm.contracts.map((c) => c.bsnId)).toEqual(["rollup-a", "rollup-b"]);
    const again = createWasmModule({ genesis: GENESIS, host, addressOf: address });
    expect(again.contracts).toEqual(wasm.contracts);
    for (const { address: addr } of wasm.contracts) {
      const decoded = fromBech32(addr, 1000);
      expect(decoded.prefix).toBe("bbn");
      expect(decoded.data).toHaveLength(32);
    }
    expect(wasm.contracts[0]?.address).not.toBe(wasm.contracts[1]?.address);
    // Idempotent over an existing store.
    wasm.initGenesis(blockContext(store, 1));
  });

  it("instantiates with the consumer's fields, admin address and FP keys", () => {
    expect(smartQuery({ config: {} })).toEqual({
      bsn_id: "rollup-a",
      min_pub_rand: 4,
      rate_limiting: { max_msgs_per_interval: 100, block_interval: 10 },
      bsn_activation_height: 10,
      finality_signature_interval: 5,
    });
    expect(smartQuery({ admin: {} })).toEqual({ admin: ADMIN });
    const keyOf = (sk: Uint8Array) =>
      createFinalityProviderSigner({
        secretKey: sk,
        bsnId: "x",
        babylonChainId: CHAIN_ID,
        contractAddress: contractA,
        bsnActivationHeight: 0,
        finalitySignatureInterval: 1,
      }).publicKeyHex;
    expect(smartQuery({ allowed_finality_providers: {} })).toEqual([keyOf(SK_1), keyOf(SK_2)]);
    expect(smartQuery({ allowed_finality_providers: {} }, wasm.contracts[1]?.address)).toEqual([keyOf(SK_3)]);
  });

  it("ContractInfo", () => {
    const request = QueryContractInfoRequest.encode({ address: contractA }).finish();
    const info = QueryContractInfoResponse.decode(
      queryHandler("/cosmwasm.wasm.v1.Query/ContractInfo")(request, blockContext(store, 3)),
    );
    expect(info.address).toBe(contractA);
    expect(info.contractInfo).toMatchObject({
      codeId: 1n,
      creator: ADMIN,
      admin: ADMIN,
      label: "finality-rollup-a",
      created: { blockHeight: 1n, txIndex: 0n },
    });
  });

  it("refuses an allowlist naming an account without an FP of that consumer", () => {
    const broken: DevnetGenesis = {
      ...GENESIS,
      consumers: [
        {
          ...(GENESIS.consumers[0] as DevnetGenesis["consumers"][number]),
          contract: { ...contractFields, allowlist: ["fp-3"] },
        },
      ],
    };
    const module = createWasmModule({ genesis: broken, host, addressOf: address });
    expect(() => module.initGenesis(blockContext(new MemoryStore(), 1))).toThrow(/fp-3/);
  });
});

describe("MsgExecuteContract", () => {
  it("commit and vote: wasmd events, empty data, plausible gas", async () => {
    const commit = await signer1.commitPublicRandomness({ startHeight: 10, numPubRand: 8 });
    const { tx, response } = execute(commit.msg);
    expect(MsgExecuteContractResponse.decode(response as Uint8Array).data).toHaveLength(0);
    expect(tx.events).toEqual([
      { type: "execute", attributes: [{ key: "_contract_address", value: contractA }] },
      // No bare `wasm` event: the commit returns no attributes of its own.
      {
        type: "wasm-public_randomness_commit",
        attributes: [
          { key: "_contract_address", value: contractA },
          { key: "fp_pubkey_hex", value: signer1.publicKeyHex },
          { key: "pr_commit.start_height", value: "10" },
          { key: "pr_commit.num_pub_rand", value: "8" },
        ],
      },
    ]);
    expect(tx.gas).toBeGreaterThan(120_000);
    expect(tx.gas).toBeLessThan(300_000);

    const vote = await signer1.submitFinalitySignature({ height: 15, blockHash: hashOf("block 15") });
    const voted = execute(vote, { height: 4 });
    expect(voted.tx.events.map((e) => e.type)).toEqual(["execute", "wasm-submit_finality_signature"]);
    expect(voted.tx.gas).toBeGreaterThan(150_000);
    expect(voted.tx.gas).toBeLessThan(400_000);
    expect(smartQuery({ highest_voted_height: { btc_pk_hex: signer1.publicKeyHex } })).toBe(15);
  });

  it("admin actions put plain attributes in the wasm event", () => {
    const { tx } = execute({ update_config: { min_pub_rand: 6 } }, { sender: ADMIN });
    expect(tx.events[1]).toEqual({
      type: "wasm",
      attributes: [
        { key: "_contract_address", value: contractA },
        { key: "action", value: "update_config" },
      ],
    });
  });

  it("a contract error fails the tx with wasmd's log and keeps the contract text", async () => {
    const commit = await signer1.commitPublicRandomness({ startHeight: 10, numPubRand: 8 });
    const error = failure(() => execute(commit.msg, { contract: wasm.contracts[1]?.address }));
    expect([error.codespace, error.abciCode]).toEqual(["wasm", 5]);
    expect(error.message).toBe(
      `Finality provider ${signer1.publicKeyHex} is not in the allowlist: execute wasm contract failed`,
    );
    const parse = failure(() => execute({ slashing: {} }));
    expect(parse.message).toMatch(
      /^Error parsing into type finality::msg::ExecuteMsg: unknown variant `slashing`, expected one of .*: execute wasm contract failed$/,
    );
  });

  it("a wasm panic is a VM error", () => {
    const error = failure(() =>
      execute('{"prune_data":{"rollup_height":18446744073709551615}}', { sender: ADMIN }),
    );
    expect([error.codespace, error.abciCode]).toEqual(["wasm", 5]);
    expect(error.message).toBe(
      `Error calling the VM: Error executing Wasm: Wasmer runtime error: RuntimeError: Aborted: panicked at ${PANIC_LOCATION}:\nattempt to add with overflow: execute wasm contract failed`,
    );
  });

  it("wasmd-level refusals: payload, unknown contract, signer", () => {
    expect(failure(() => execute("{not json"))).toMatchObject({
      codespace: "wasm",
      abciCode: 14,
      message: "payload msg: invalid",
    });
    expect(failure(() => execute(""))).toMatchObject({ abciCode: 12 });
    const unknown = address("nobody", 32);
    expect(failure(() => execute({ config: {} }, { contract: unknown }))).toMatchObject({
      codespace: "wasm",
      abciCode: 22,
      message: `address ${unknown}: no such contract`,
    });
    expect(failure(() => execute({ config: {} }, { signer: ADMIN }))).toMatchObject({
      codespace: "sdk",
      abciCode: 8,
    });
  });

  it("equivocation sends the evidence to Babylon in the same tx", async () => {
    const commit = await signer1.commitPublicRandomness({ startHeight: 10, numPubRand: 8 });
    execute(commit.msg);
    const first = await signer1.submitFinalitySignature({ height: 15, blockHash: hashOf("a") });
    execute(first);
    // The same key with a fresh double-sign guard signs another block at the same height.
    const forkSigner = fp1Signer();
    await forkSigner.commitPublicRandomness({ startHeight: 10, numPubRand: 8 }); // fills its proof store
    const forkVote = await forkSigner.submitFinalitySignature({ height: 15, blockHash: hashOf("b") });

    host.rejectEvidence = new TxFailure("finality", 1110, "the evidence is invalid: invalid request");
    const before = JSON.stringify(store.dump());
    const refused = failure(() => execute(forkVote));
    expect(refused).toMatchObject({
      codespace: "finality",
      abciCode: 1110,
      message: "dispatch: submessages: the evidence is invalid: invalid request",
    });
    expect(JSON.stringify(store.dump())).toBe(before);

    host.rejectEvidence = undefined;
    execute(forkVote);
    expect(host.evidence).toEqual([
      {
        signer: contractA,
        fp_btc_pk_hex: signer1.publicKeyHex,
        block_height: 15,
        pub_rand_hex: bytesToHex(base64ToBytes(first.submit_finality_signature.pub_rand)),
        canonical_app_hash_hex: bytesToHex(hashOf("a")),
        fork_app_hash_hex: bytesToHex(hashOf("b")),
        canonical_finality_sig_hex: bytesToHex(base64ToBytes(first.submit_finality_signature.signature)),
        fork_finality_sig_hex: bytesToHex(base64ToBytes(forkVote.submit_finality_signature.signature)),
        signing_context: signingContext("fp_fin_vote", CHAIN_ID, contractA),
      },
    ]);
  });
});

describe("queries", () => {
  it("a failing smart query fails with wasmd's error (the core reports it as code 6 `unknown request`)", () => {
    const error = failure(() => smartQuery({ block_voters: { height: 1, hash_hex: "zz" } }));
    expect([error.codespace, error.abciCode]).toEqual(["wasm", 9]);
    expect(error.message).toBe("Invalid character 'z' at position 0: query wasm contract failed");
    const unknown = address("nobody", 32);
    expect(failure(() => smartQuery({ config: {} }, unknown))).toMatchObject({
      codespace: "wasm",
      abciCode: 22,
      message: `address ${unknown}: no such contract`,
    });
    expect(failure(() => smartQuery("{"))).toMatchObject({ codespace: "sdk", abciCode: 18 });
    expect(failure(() => smartQuery({ config: {} }, "bbn1invalid"))).toMatchObject({ abciCode: 18 });
  });

  it("answers are the contract's JSON bytes", () => {
    const request = QuerySmartContractStateRequest.encode({
      address: contractA,
      queryData: utf8ToBytes('{"highest_voted_height":{"btc_pk_hex":"ab"}}'),
    }).finish();
    const { data } = QuerySmartContractStateResponse.decode(
      queryHandler("/cosmwasm.wasm.v1.Query/SmartContractState")(request, blockContext(store, 3)),
    );
    expect(new TextDecoder().decode(data)).toBe("null");
  });
});

describe("MsgMigrateContract", () => {
  const migrate = (sender: string, codeId = 1n) => {
    const tx = txContext(store, 5, sender);
    const value = MsgMigrateContract.encode({
      sender,
      contract: contractA,
      codeId,
      msg: utf8ToBytes("{}"),
    }).finish();
    handler("/cosmwasm.wasm.v1.MsgMigrateContract")(value, tx);
    tx.overlay.commit();
    return tx;
  };

  it("the wasmd admin migrates to the same code", () => {
    const tx = migrate(ADMIN);
    expect(tx.events).toEqual([
      {
        type: "migrate",
        attributes: [
          { key: "code_id", value: "1" },
          { key: "_contract_address", value: contractA },
        ],
      },
      {
        type: "wasm",
        attributes: [
          { key: "_contract_address", value: contractA },
          { key: "action", value: "migrate" },
          { key: "from_version", value: "1.0.0-rc.1" },
          { key: "to_version", value: "1.0.0-rc.1" },
        ],
      },
    ]);
  });

  it("others may not; unknown codes do not exist", () => {
    expect(failure(() => migrate(FP1_ACCOUNT))).toMatchObject({
      codespace: "sdk",
      abciCode: 4,
      message: "can not migrate: unauthorized",
    });
    expect(failure(() => migrate(ADMIN, 2n))).toMatchObject({ codespace: "wasm", abciCode: 28 });
  });
});
