/**
 * @module Test helpers for the contract model: a fake Babylon host, a chain-like tx runner over
 * `CacheStore` (commit on success, drop on failure), finality-provider signers bound to the test
 * contract, and an instantiated contract. Not used outside tests.
 */
import { toBech32 } from "@cosmjs/encoding";
import { sha256 } from "@noble/hashes/sha2.js";
import { expect } from "vitest";
import { bytesToHex, utf8ToBytes } from "../../../../src/crypto/index.ts";
import {
  createFinalityProviderSigner,
  createMemoryProofStore,
  type FinalityProviderSigner,
  type ProofStore,
} from "../../../../src/provider/index.ts";
import type { BlockContext } from "../../chain/module.ts";
import { CacheStore, type KVStore, MemoryStore } from "../../store/kv-store.ts";
import type { BabylonHost, EquivocationEvidence, FinalityProviderFacts } from "../babylon-host.ts";
import {
  type ContractEnv,
  ContractError,
  type ContractResponse,
  executeFinalityContract,
  instantiateFinalityContract,
  queryFinalityContract,
} from "./index.ts";

export const CHAIN_ID = "bbn-test-1";
export const BSN_ID = "test-bsn";
export const address = (label: string, length = 20): string =>
  toBech32("bbn", sha256(utf8ToBytes(label)).slice(0, length));
export const CONTRACT = address("finality contract", 32);
export const ADMIN = address("admin");
export const STRANGER = address("stranger");

/** A Babylon stand-in: registered FPs, epochs, and the evidence it received. */
export class FakeHost implements BabylonHost {
  readonly fps = new Map<string, FinalityProviderFacts>();
  epoch = 1;
  finalized = 1;
  readonly evidence: EquivocationEvidence[] = [];
  /** When set, evidence is refused with this error (Babylon rejecting it). */
  rejectEvidence: Error | undefined;

  register(pkHex: string, facts: Partial<FinalityProviderFacts> = {}): void {
    this.fps.set(pkHex, { bsnId: BSN_ID, slashedBabylonHeight: 0, slashedBtcHeight: 0, ...facts });
  }
  finalityProvider(_ctx: BlockContext, fpBtcPkHex: string): FinalityProviderFacts | undefined {
    return this.fps.get(fpBtcPkHex);
  }
  currentEpoch(): number {
    return this.epoch;
  }
  lastFinalizedEpoch(): number {
    return this.finalized;
  }
  handleEquivocationEvidence(_ctx: BlockContext, evidence: EquivocationEvidence): void {
    if (this.rejectEvidence) throw this.rejectEvidence;
    this.evidence.push(evidence);
  }
}

export const envAt = (blockHeight: number, contractAddress = CONTRACT): ContractEnv => ({
  blockHeight,
  chainId: CHAIN_ID,
  contractAddress,
});

/** Runs `fn` like a tx: against an overlay that is written through only on success. */
export function inTx<T>(store: KVStore, fn: (overlay: KVStore) => T): T {
  const overlay = new CacheStore(store);
  const result = fn(overlay);
  overlay.commit();
  return result;
}

/** The `ContractError` `fn` throws (fails the test when nothing or something else is thrown). */
export function contractError(fn: () => unknown): ContractError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ContractError);
    return error as ContractError;
  }
  throw new Error("expected a ContractError, nothing was thrown");
}

export function expectContractError(fn: () => unknown, message: string): ContractError {
  const error = contractError(fn);
  expect(error.message).toBe(message);
  return error;
}

export const SK_1 = sha256(utf8ToBytes("finality-contract test fp 1"));
export const SK_2 = sha256(utf8ToBytes("finality-contract test fp 2"));

export type ContractConfig = {
  min_pub_rand: number;
  rate_limiting_interval: number;
  max_msgs_per_interval: number;
  bsn_activation_height: number;
  finality_signature_interval: number;
};

export const DEFAULT_CONFIG: ContractConfig = {
  min_pub_rand: 4,
  rate_limiting_interval: 10,
  max_msgs_per_interval: 100,
  bsn_activation_height: 10,
  finality_signature_interval: 5,
};

export const signerFor = (
  secretKey: Uint8Array,
  config: ContractConfig = DEFAULT_CONFIG,
  proofStore: ProofStore = createMemoryProofStore(),
): FinalityProviderSigner =>
  createFinalityProviderSigner({
    secretKey,
    bsnId: BSN_ID,
    babylonChainId: CHAIN_ID,
    contractAddress: CONTRACT,
    bsnActivationHeight: config.bsn_activation_height,
    finalitySignatureInterval: config.finality_signature_interval,
    proofStore,
  });

/** A contract instantiated at `height` with both test FPs registered on the host and allowlisted. */
export function deployContract(
  options: { config?: Partial<ContractConfig>; height?: number; allowlist?: string[] | null } = {},
) {
  const config = { ...DEFAULT_CONFIG, ...options.config };
  const store = new MemoryStore();
  const host = new FakeHost();
  const proofStore = createMemoryProofStore();
  const fp1 = signerFor(SK_1, config, proofStore);
  const fp2 = signerFor(SK_2, config);
  host.register(fp1.publicKeyHex);
  host.register(fp2.publicKeyHex);
  const allowlist =
    options.allowlist === undefined ? [fp1.publicKeyHex, fp2.publicKeyHex] : options.allowlist;
  const instantiated = instantiateFinalityContract(store, envAt(options.height ?? 1), {
    admin: ADMIN,
    bsn_id: BSN_ID,
    ...config,
    ...(allowlist === null ? {} : { allowed_finality_providers: allowlist }),
  });

  /** Executes in a tx at Babylon `height`; the store changes only if it succeeds. */
  const exec = (height: number, msg: unknown, sender: string = STRANGER): ContractResponse =>
    inTx(store, (overlay) => executeFinalityContract(overlay, envAt(height), host, sender, msg));
  const query = (msg: unknown) => queryFinalityContract(store, envAt(0), msg);

  return {
    store,
    host,
    config,
    fp1,
    /** Same key as fp1 with its own double-sign guard: signs the conflicting vote. */
    fp1Fork: signerFor(SK_1, config, proofStore),
    fp2,
    proofStore,
    instantiated,
    exec,
    query,
  };
}

export type Deployed = ReturnType<typeof deployContract>;

export const hashOf = (label: string): Uint8Array => sha256(utf8ToBytes(label));
export const hexOf = (label: string): string => bytesToHex(hashOf(label));
