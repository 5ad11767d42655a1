import {
  QueryFinalityProviderRequest,
  QueryFinalityProviderResponse,
} from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/btcstaking/v1/query";
import {
  QueryEvidenceRequest,
  QueryEvidenceResponse,
} from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/finality/v1/query";
import { sha256 } from "@noble/hashes/sha2.js";
import { beforeEach, describe, expect, it } from "vitest";
import {
  bytesToHex,
  eotsSign,
  hexToBytes,
  signingContext,
  utf8ToBytes,
  voteMessage,
  xOnlyPublicKey,
} from "../../../../src/crypto/index.ts";
import { type AbciEvent, type TxContext, TxFailure } from "../../chain/module.ts";
import { CacheStore } from "../../store/kv-store.ts";
import type { EquivocationEvidence } from "../babylon-host.ts";
import { SLASHED_FP_EVENT } from "./finality.ts";
import { TestChain, testAddressOf } from "./testing.ts";

const CONTRACT = testAddressOf("finality-contract");

function fpSecret(chain: TestChain, account: string): Uint8Array {
  const fp = chain.genesis.consumers[0]?.finalityProviders.find((f) => f.account === account);
  return hexToBytes(fp?.btcSecretKeyHex ?? "");
}

/** Two EOTS votes at one height with one randomness, as the contract would report them. */
function doubleVote(
  chain: TestChain,
  signerKey: Uint8Array,
  claimedPk: Uint8Array,
  options: { height?: number; sameSig?: boolean } = {},
): EquivocationEvidence {
  const context = signingContext("fp_fin_vote", chain.genesis.chainId, CONTRACT);
  const height = options.height ?? 42;
  const privRand = sha256(utf8ToBytes(`rand/${bytesToHex(signerKey)}/${height}`));
  const canonical = sha256(utf8ToBytes("canonical block"));
  const fork = sha256(utf8ToBytes("fork block"));
  const canonicalSig = eotsSign(signerKey, privRand, voteMessage(context, height, canonical));
  const forkSig = options.sameSig
    ? canonicalSig
    : eotsSign(signerKey, privRand, voteMessage(context, height, fork));
  return {
    signer: CONTRACT,
    fp_btc_pk_hex: bytesToHex(claimedPk),
    block_height: height,
    pub_rand_hex: bytesToHex(xOnlyPublicKey(privRand)),
    canonical_app_hash_hex: bytesToHex(canonical),
    fork_app_hash_hex: bytesToHex(fork),
    canonical_finality_sig_hex: bytesToHex(canonicalSig),
    fork_finality_sig_hex: bytesToHex(forkSig),
    signing_context: context,
  };
}

function txContext(chain: TestChain, events: AbciEvent[]): TxContext & { overlay: CacheStore } {
  const overlay = new CacheStore(chain.store);
  return {
    ...chain.context(overlay),
    overlay,
    signer: CONTRACT,
    emit: (event) => events.push(event),
    consumeGas: () => {},
  };
}

const fpQuery = (chain: TestChain, pk: Uint8Array) =>
  chain.query(
    "/babylon.btcstaking.v1.Query/FinalityProvider",
    QueryFinalityProviderRequest,
    { fpBtcPkHex: bytesToHex(pk) },
    QueryFinalityProviderResponse,
  ).finalityProvider;

function failureOf(run: () => void): TxFailure {
  try {
    run();
  } catch (error) {
    if (error instanceof TxFailure) return error;
    throw error;
  }
  throw new Error("expected a TxFailure");
}

describe("equivocation evidence", () => {
  let chain: TestChain;
  beforeEach(() => {
    chain = new TestChain();
    chain.advanceTo(35); // BTC tip 203
  });

  for (const account of ["fp-1", "fp-2"]) {
    it(`slashes ${account} (${account === "fp-1" ? "odd" : "even"}-Y key) for a real double vote`, () => {
      const sk = fpSecret(chain, account);
      const pk = xOnlyPublicKey(sk);
      const events: AbciEvent[] = [];
      const tx = txContext(chain, events);
      chain.babylon.host.handleEquivocationEvidence(tx, doubleVote(chain, sk, pk));
      tx.overlay.commit();

      const fp = fpQuery(chain, pk);
      expect(fp?.slashedBabylonHeight).toBe(35);
      expect(fp?.slashedBtcHeight).toBe(203);
      expect(chain.babylon.host.finalityProvider(chain.context(), bytesToHex(pk))).toEqual({
        bsnId: "edge-devnet-l2",
        slashedBabylonHeight: 35,
        slashedBtcHeight: 203,
      });
      expect(events).toHaveLength(1);
      expect(events[0]?.type).toBe(SLASHED_FP_EVENT);
      const evidence = JSON.parse(events[0]?.attributes[0]?.value ?? "{}");
      expect(evidence).toMatchObject({ fp_btc_pk: bytesToHex(pk), block_height: "42" });
      const stored = chain.query(
        "/babylon.finality.v1.Query/Evidence",
        QueryEvidenceRequest,
        { fpBtcPkHex: bytesToHex(pk) },
        QueryEvidenceResponse,
      ).evidence;
      expect(stored).toMatchObject({ fpBtcPkHex: bytesToHex(pk), blockHeight: 42 });

      // Babylon refuses to slash twice (and the contract refuses the slashed FP's later messages).
      const again = failureOf(() =>
        chain.babylon.host.handleEquivocationEvidence(
          chain.context(new CacheStore(chain.store)),
          doubleVote(chain, sk, pk, { height: 43 }),
        ),
      );
      expect(again.message).toBe(
        "failed to slash finality provider: the finality provider has already been slashed",
      );
    });
  }

  it("rejects forged evidence (signatures by another key) and changes nothing", () => {
    const victim = xOnlyPublicKey(fpSecret(chain, "fp-4"));
    const before = JSON.stringify(chain.store.dump());
    const failure = failureOf(() =>
      chain.babylon.host.handleEquivocationEvidence(
        chain.context(),
        doubleVote(chain, fpSecret(chain, "fp-3"), victim),
      ),
    );
    expect(failure).toMatchObject({ codespace: "undefined", abciCode: 1 });
    expect(failure.message).toBe("Extracted private key does not match public key");
    expect(JSON.stringify(chain.store.dump())).toBe(before);
    expect(fpQuery(chain, victim)?.slashedBabylonHeight).toBe(0);
    expect(
      failureOf(() =>
        chain.query(
          "/babylon.finality.v1.Query/Evidence",
          QueryEvidenceRequest,
          { fpBtcPkHex: bytesToHex(victim) },
          QueryEvidenceResponse,
        ),
      ).message,
    ).toBe("there is no slashable evidence: unknown request");
  });

  it("rejects malformed evidence with Babylon's errors", () => {
    const sk = fpSecret(chain, "fp-2");
    const pk = xOnlyPublicKey(sk);
    const valid = doubleVote(chain, sk, pk);
    const handle = (evidence: EquivocationEvidence) =>
      failureOf(() => chain.babylon.host.handleEquivocationEvidence(chain.context(), evidence));
    expect(handle(doubleVote(chain, sk, pk, { sameSig: true })).message).toBe(
      "The two signatures need to be different in order to extract",
    );
    expect(handle({ ...valid, fp_btc_pk_hex: "abcd" })).toMatchObject({
      codespace: "finality",
      abciCode: 1120,
      message:
        "invalid FP BTC PK: malformed public key: invalid length: 2: equivocation evindence message is not valid",
    });
    expect(handle({ ...valid, fork_app_hash_hex: "00" }).message).toBe(
      "malformed ForkAppHash: equivocation evindence message is not valid",
    );
    expect(handle({ ...valid, signer: "not-an-address" })).toMatchObject({ codespace: "sdk", abciCode: 7 });
    const unknownFp = xOnlyPublicKey(new Uint8Array(32).fill(5));
    expect(handle(doubleVote(chain, new Uint8Array(32).fill(5), unknownFp)).message).toBe(
      "failed to slash finality provider: the finality provider is not found",
    );
    expect(fpQuery(chain, pk)?.slashedBabylonHeight).toBe(0);
  });
});
