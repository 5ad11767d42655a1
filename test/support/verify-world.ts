/**
 * @module A small rollup world for the verifier's unit tests: a fake L2 chain, four real finality-provider signers
 * (src/provider) voting on it, a power table, and decisions made by the edge's own rule (`decideBlock`) and
 * serialized as the edge serves them (`decisionJson`). Also Babylon readers over the same facts.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import type { BabylonReaders } from "../../sdk/src/verify/index.ts";
import { type DecisionJson, decisionJson } from "../../src/api/schemas.ts";
import type { PowerTable as BabylonPowerTable, BlockVoter, ContractConfig } from "../../src/babylon/index.ts";
import { base64ToBytes, bytesToHex, utf8ToBytes } from "../../src/crypto/index.ts";
import { type BlockRef, decideBlock, type FinalitySources, type Voter } from "../../src/finality/index.ts";
import { createFinalityProviderSigner, type FinalityProviderSigner } from "../../src/provider/index.ts";
import { fakeChain } from "./fake-finality-sources.ts";

export const BABYLON_CHAIN_ID = "bbn-test-5";
export const CONTRACT_ADDRESS = "bbn1finalitycontractaddressfortests";
export const BSN_ID = "op-rollup-verify";
export const ACTIVATION = 10;
export const INTERVAL = 5;
export const BTC_HEIGHT = 230;
export const M = 1_000_000n;
export const OPTIONS = { babylonChainId: BABYLON_CHAIN_ID, contractAddress: CONTRACT_ADDRESS };

export const FP_NAMES = ["fp-1", "fp-2", "fp-3", "fp-4"] as const;
export type FpName = (typeof FP_NAMES)[number];
const POWERS: Record<FpName, bigint> = { "fp-1": 4n * M, "fp-2": 3n * M, "fp-3": 2n * M, "fp-4": 1n * M };

export type World = {
  chain: BlockRef[];
  signers: Record<FpName, FinalityProviderSigner>;
  /** `${height}/${hash}` → Babylon's voters (what `block_voters` answers). */
  book: Map<string, BlockVoter[]>;
  powers: Map<string, bigint>;
  /** Signs and records votes of `fps` for the canonical block at `height` (a grid height). */
  vote(height: number, fps: readonly FpName[], options?: { emptySigningContext?: boolean }): Promise<void>;
  /** The edge's answer about the canonical block at `height`, made by the rule over this world. */
  decide(height: number, tip?: number): Promise<DecisionJson>;
  /** Babylon readers over this world; `calls` counts them by method. */
  readers(overrides?: Partial<BabylonReaders>): BabylonReaders & { calls: Record<string, number> };
  /** An L2 block reader over this world's chain (`chain` may be swapped for a reorged one). */
  l2: { blockAt(number: bigint): Promise<BlockRef | null> };
};

const secretKey = (name: string) => sha256(utf8ToBytes(`verify ${name}`));

export async function createWorld(length = 40): Promise<World> {
  const signerOptions = {
    bsnId: BSN_ID,
    ...OPTIONS,
    bsnActivationHeight: ACTIVATION,
    finalitySignatureInterval: INTERVAL,
  };
  const make = async (name: string, emptySigningContext = false) => {
    const signer = createFinalityProviderSigner({
      ...signerOptions,
      secretKey: secretKey(name),
      emptySigningContext,
    });
    await signer.commitPublicRandomness({ startHeight: ACTIVATION, numPubRand: 20 });
    return signer;
  };
  const signers = Object.fromEntries(
    await Promise.all(FP_NAMES.map(async (name) => [name, await make(name)] as const)),
  ) as Record<FpName, FinalityProviderSigner>;
  const emptyContextSigners = new Map<FpName, FinalityProviderSigner>();
  const powers = new Map(FP_NAMES.map((name) => [signers[name].publicKeyHex, POWERS[name]]));
  const book = new Map<string, BlockVoter[]>();
  const world: World = {
    chain: fakeChain(length),
    signers,
    book,
    powers,
    async vote(height, fps, options = {}) {
      const block = world.chain[height];
      if (!block) throw new Error(`no block ${height}`);
      for (const name of fps) {
        let signer = signers[name];
        if (options.emptySigningContext) {
          signer = emptyContextSigners.get(name) ?? (await make(name, true));
          emptyContextSigners.set(name, signer);
        }
        const { submit_finality_signature: msg } = await signer.submitFinalitySignature({
          height,
          blockHash: block.hash,
        });
        const key = `${height}/${block.hash}`;
        book.set(key, [
          ...(book.get(key) ?? []),
          {
            fpBtcPk: msg.fp_pubkey_hex,
            pubRand: bytesToHex(base64ToBytes(msg.pub_rand)),
            signature: bytesToHex(base64ToBytes(msg.signature)),
            blockHash: block.hash.slice(2),
          },
        ]);
      }
    },
    async decide(height, tip) {
      const tipBlock = tip === undefined ? undefined : world.chain[tip];
      const sources: FinalitySources = {
        block: async (n) => world.chain[Number(n)] ?? null,
        votes: async (h, hash): Promise<Voter[]> => book.get(`${h}/${hash}`) ?? [],
        powerAt: async () => ({ btcHeight: BigInt(BTC_HEIGHT), power: powers }),
        finalizedTip: tipBlock ? { number: tipBlock.number, hash: tipBlock.hash } : null,
      };
      const block = world.chain[height];
      if (!block) throw new Error(`no block ${height}`);
      const decision = await decideBlock(
        sources,
        { activationHeight: BigInt(ACTIVATION), interval: BigInt(INTERVAL) },
        { number: block.number, hash: block.hash },
      );
      // Through JSON, as a client receives it.
      return JSON.parse(JSON.stringify(decisionJson("op-rollup", decision))) as DecisionJson;
    },
    readers(overrides = {}) {
      const calls: Record<string, number> = {};
      const count = (method: string) => {
        calls[method] = (calls[method] ?? 0) + 1;
      };
      const config: ContractConfig = {
        bsnId: BSN_ID,
        activationHeight: ACTIVATION,
        interval: INTERVAL,
        minPubRand: 10,
        rateLimiting: { blockInterval: 10, maxMsgsPerInterval: 100 },
      };
      return {
        calls,
        async contractConfig() {
          count("contractConfig");
          return config;
        },
        async blockVoters(height, hash) {
          count("blockVoters");
          return book.get(`${height}/${hash.toLowerCase()}`) ?? [];
        },
        async btcHeightAt() {
          count("btcHeightAt");
          return { height: BigInt(BTC_HEIGHT), clamped: false, beforeBase: false };
        },
        async powerTable(_bsnId, btcHeight) {
          count("powerTable");
          const providers = [...powers].map(([btcPk, power]) => ({ btcPk, power, slashed: false }));
          const table: BabylonPowerTable = {
            btcHeight: Number(btcHeight),
            totalPower: providers.reduce((sum, p) => sum + p.power, 0n),
            providers,
          };
          return table;
        },
        ...overrides,
      };
    },
    l2: { blockAt: async (n) => world.chain[Number(n)] ?? null },
  };
  return world;
}

/** A deep copy to tamper with. */
export function copy<T>(value: T): T {
  return structuredClone(value);
}

/** Flips one bit of the byte at `index` of a hex string. */
export function flipByte(hex: string, index = 0): string {
  const byte = Number.parseInt(hex.slice(index * 2, index * 2 + 2), 16) ^ 0x01;
  return hex.slice(0, index * 2) + byte.toString(16).padStart(2, "0") + hex.slice(index * 2 + 2);
}

/**
 * The answer as the edge stored it before finalized answers carried evidence from the tip (stored answers are
 * served unchanged for good): no `gridBlock`, BTC height, quorum or voters.
 */
export function withoutEvidence(answer: DecisionJson): Omit<DecisionJson, "gridBlock"> {
  const { gridBlock: _, ...rest } = copy(answer);
  return { ...rest, btcHeight: null, quorum: null, voters: [] };
}
