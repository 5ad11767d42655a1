// The assembled emulator (default genesis, Babylon modules, wasm with the finality contract) through
// the real clients: an FP commits public randomness with SigningCosmWasmClient.execute ("auto" fee),
// the generated query client reads it back; a contract error fails the tx with wasmd's log.
import { SigningCosmWasmClient } from "@cosmjs/cosmwasm-stargate";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { calculateFee, GasPrice } from "@cosmjs/stargate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultGenesis } from "../../devnet/babylon/genesis-load.ts";
import { type BabylonChain, startBabylonChain } from "../../devnet/babylon/index.ts";
import { createFinalityQueryClient } from "../../src/babylon/index.ts";
import { hexToBytes } from "../../src/crypto/index.ts";
import { createFinalityProviderSigner } from "../../src/provider/index.ts";

const genesis = defaultGenesis();
const consumer = genesis.consumers[0];
const fp = consumer?.finalityProviders[0];
const gasPrice = GasPrice.fromString(`${genesis.minGasPriceUbbn}ubbn`);
let chain: BabylonChain;

beforeAll(async () => {
  chain = await startBabylonChain({
    genesis,
    port: 0,
    timing: { blockMs: 100, btcBlockMs: 1000, epochBlocks: 5, finalizeDelay: 2 },
    log: () => {},
  });
});
afterAll(async () => {
  await chain?.stop();
});

describe("finality contract on the emulator", () => {
  it("commit_public_randomness from the FP account is accepted and read back with lastPubRandCommit", async () => {
    if (!consumer || !fp) throw new Error("default genesis has no consumer with an FP");
    const contract = chain.contracts.find((c) => c.bsnId === consumer.bsnId);
    expect(contract?.address).toMatch(/^bbn1/);
    const address = contract?.address ?? "";
    const queries = createFinalityQueryClient(chain.rpcUrl, address);
    const config = await queries.config();
    expect(config.bsn_id).toBe(consumer.bsnId);

    const signer = createFinalityProviderSigner({
      secretKey: hexToBytes(fp.btcSecretKeyHex),
      bsnId: consumer.bsnId,
      babylonChainId: chain.chainId,
      contractAddress: address,
      bsnActivationHeight: config.bsn_activation_height,
      finalitySignatureInterval: config.finality_signature_interval,
    });
    expect(await queries.lastPubRandCommit({ btcPkHex: signer.publicKeyHex })).toBeNull();
    const { msg } = await signer.commitPublicRandomness({
      startHeight: config.bsn_activation_height,
      numPubRand: Math.max(config.min_pub_rand, 100),
    });

    const account = chain.accounts.find((a) => a.name === fp.account);
    if (!account) throw new Error(`no account ${fp.account}`);
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(account.mnemonic, { prefix: "bbn" });
    const client = await SigningCosmWasmClient.connectWithSigner(chain.rpcUrl, wallet, {
      gasPrice,
      broadcastPollIntervalMs: 50,
    });
    const result = await client.execute(account.address, address, msg, "auto");
    expect(result.height).toBeGreaterThan(0);
    expect(result.events.some((e) => e.type === "execute")).toBe(true);

    const last = await queries.lastPubRandCommit({ btcPkHex: signer.publicKeyHex });
    expect(last).toMatchObject({
      start_height: config.bsn_activation_height,
      num_pub_rand: Math.max(config.min_pub_rand, 100),
    });

    // The same commit again overlaps the stored one: the contract refuses and the tx fails in DeliverTx.
    const before = await client.getSequence(account.address);
    await expect(
      client.execute(account.address, address, msg, calculateFee(500_000, gasPrice)),
    ).rejects.toThrow(/failed to execute message; message index: 0: .*execute wasm contract failed/);
    expect((await client.getSequence(account.address)).sequence).toBe(before.sequence + 1);
    client.disconnect();
  });
});
