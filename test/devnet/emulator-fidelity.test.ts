// Emulator fidelity over RPC, as a CosmJS client sees it: a contract message with a known field written twice
// fails with serde's `duplicate field` (tx log and smart query), the commit and vote paths emit no bare `wasm`
// event while an admin action does, bech32 failures carry the Go SDK's words, and a wasm panic reads `Aborted: panicked at <path>:<line>:<col>:\n…`.
import type { MsgExecuteContractEncodeObject } from "@cosmjs/cosmwasm-stargate";
import { toUtf8 } from "@cosmjs/encoding";
import { QueryClient } from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import { QuerySmartContractStateRequest } from "cosmjs-types/cosmwasm/wasm/v1/query";
import { MsgExecuteContract } from "cosmjs-types/cosmwasm/wasm/v1/tx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultGenesis } from "../../devnet/babylon/genesis-load.ts";
import type { BabylonChain } from "../../devnet/babylon/index.ts";
import { findRepeatedKeys } from "../../src/api/repeated-keys.ts";
import { duplicateFieldRefusal } from "../../src/contract-rules/index.ts";
import {
  type Account,
  type ContractHandle,
  connectAccount,
  connectBabylonQueries,
  connectFinalityProvider,
  contractOf,
  type FinalityProvider,
  fixedFee,
  label32,
  startTestChain,
  WASMD_FAILURE,
  waitForEpochFinalized,
} from "./support/contract-harness.ts";

const genesis = defaultGenesis();
const fee = fixedFee(genesis);
const BSN = genesis.consumers[0]?.bsnId ?? "";
const EXEC = "Error parsing into type finality::msg::ExecuteMsg: ";

let chain: BabylonChain;
let contract: ContractHandle;
let admin: Account;
let fp1: FinalityProvider;
let comet: Comet38Client;

/** Broadcasts `text` verbatim as the contract message (CosmJS's `execute` would re-serialize an object). */
async function executeText(account: Account, text: string) {
  const message: MsgExecuteContractEncodeObject = {
    typeUrl: "/cosmwasm.wasm.v1.MsgExecuteContract",
    value: MsgExecuteContract.fromPartial({
      sender: account.address,
      contract: contract.address,
      msg: toUtf8(text),
      funds: [],
    }),
  };
  return account.client.signAndBroadcast(account.address, [message], fee);
}

beforeAll(async () => {
  chain = await startTestChain(genesis);
  contract = await contractOf(chain, BSN);
  [admin, fp1] = await Promise.all([
    connectAccount(chain, genesis, "admin"),
    connectFinalityProvider(chain, genesis, "fp-1", contract),
  ]);
  comet = await Comet38Client.connect(chain.rpcUrl);
});
afterAll(async () => {
  comet?.disconnect();
  await chain?.stop();
});

describe("the finality contract over the emulator's RPC", () => {
  it("a known field written twice fails the tx with serde's text; the sequence moves, the state does not", async () => {
    const before = await admin.sequence();
    const result = await executeText(admin, '{"update_config":{"min_pub_rand":5,"min_pub_rand":6}}');
    expect(result.code).toBe(5);
    expect(result.rawLog).toBe(WASMD_FAILURE(`${EXEC}duplicate field \`min_pub_rand\``));
    expect(await admin.sequence()).toBe(before + 1);
    expect((await contract.queries.config()).min_pub_rand).toBe(contract.config.min_pub_rand);

    const { msg } = await fp1.signer.commitPublicRandomness({ startHeight: 1, numPubRand: 100 });
    const body = JSON.stringify(msg.commit_public_randomness);
    const repeated = body.replace(/^\{/, '{"num_pub_rand":100,');
    const twice = await executeText(fp1, `{"commit_public_randomness":${repeated}}`);
    expect(twice.rawLog).toBe(WASMD_FAILURE(`${EXEC}duplicate field \`num_pub_rand\``));
    // The edge's refusal of the same body (as a REST submission) carries the chain's text.
    const edge = duplicateFieldRefusal(
      "commit",
      findRepeatedKeys(repeated).map(({ path, key }) => ({ path: path.map(String), key })),
    );
    expect(edge && WASMD_FAILURE(edge.message)).toBe(twice.rawLog);
    expect(await contract.queries.lastPubRandCommit({ btcPkHex: fp1.publicKeyHex })).toBeNull();
  });

  it("a smart query with a field written twice fails with serde's text", async () => {
    const request = QuerySmartContractStateRequest.encode({
      address: contract.address,
      queryData: toUtf8(`{"last_pub_rand_commit":{"btc_pk_hex":"${fp1.publicKeyHex}","btc_pk_hex":"00"}}`),
    }).finish();
    await expect(
      new QueryClient(comet).queryAbci("/cosmwasm.wasm.v1.Query/SmartContractState", request),
    ).rejects.toThrow(
      "Error parsing into type finality::msg::QueryMsg: duplicate field `btc_pk_hex`: query wasm contract failed",
    );
  });

  it("commit and vote emit typed wasm-… events and no bare `wasm` event; an admin action emits one", async () => {
    const { msg } = await fp1.signer.commitPublicRandomness({ startHeight: 1, numPubRand: 100 });
    const committed = await fp1.client.execute(fp1.address, contract.address, msg, fee);
    const types = (await fp1.client.getTx(committed.transactionHash))?.events.map((e) => e.type) ?? [];
    expect(types).toContain("wasm-public_randomness_commit");
    expect(types).not.toContain("wasm");
    expect(committed.events.map((e) => e.type)).not.toContain("wasm");

    const config = await admin.client.execute(
      admin.address,
      contract.address,
      { update_config: { min_pub_rand: contract.config.min_pub_rand } },
      fee,
    );
    const wasm = config.events.find((e) => e.type === "wasm");
    expect(wasm?.attributes).toEqual([
      { key: "_contract_address", value: contract.address },
      { key: "action", value: "update_config" },
      { key: "msg_index", value: "0" },
    ]);
    // The vote lands once its commit's epoch is BTC-finalized.
    const epoch = (await contract.queries.lastPubRandCommit({ btcPkHex: fp1.publicKeyHex }))?.babylon_epoch;
    const babylon = await connectBabylonQueries(chain.rpcUrl);
    try {
      await waitForEpochFinalized(chain, babylon, epoch ?? -1);
    } finally {
      babylon.disconnect();
    }
    const vote = await fp1.signer.submitFinalitySignature({ height: 1, blockHash: label32("fidelity/1") });
    const voted = await fp1.client.execute(fp1.address, contract.address, vote, fee);
    expect(voted.events.map((e) => e.type)).toContain("wasm-submit_finality_signature");
    expect(voted.events.map((e) => e.type)).not.toContain("wasm");
  });

  it("addr_validate and ContractInfo word bech32 failures as the Go SDK does", async () => {
    const ADDR = "Generic error: addr_validate errored: decoding bech32 failed: ";
    const separatorless = await executeText(admin, '{"update_admin":{"admin":"notanaddress"}}');
    expect(separatorless.rawLog).toBe(WASMD_FAILURE(`${ADDR}invalid separator index -1`));
    const last = admin.address.at(-1) === "q" ? "p" : "q";
    const broken = `${admin.address.slice(0, -1)}${last}`;
    const checksum = await executeText(admin, JSON.stringify({ update_admin: { admin: broken } }));
    expect(checksum.rawLog).toBe(
      WASMD_FAILURE(`${ADDR}invalid checksum (expected ${admin.address.slice(-6)} got ${broken.slice(-6)})`),
    );
    await expect(admin.client.getContract("notanaddress")).rejects.toThrow(
      "decoding bech32 failed: invalid separator index -1: invalid request",
    );
  });

  it("a wasm panic reads `Aborted: panicked at <path>:<line>:<col>:` then the message", async () => {
    const result = await executeText(admin, '{"prune_data":{"rollup_height":18446744073709551615}}');
    expect(result.code).toBe(5);
    expect(result.rawLog).toMatch(
      /^failed to execute message; message index: 0: Error calling the VM: Error executing Wasm: Wasmer runtime error: RuntimeError: Aborted: panicked at [^\s:]+:\d+:\d+:\nattempt to add with overflow: execute wasm contract failed$/,
    );
  });
});
