import { sha256 } from "@noble/hashes/sha2.js";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type CommitRecord,
  ContractRuleError,
  type ContractRulesOptions,
  checkSubmitFinalitySignature,
} from "../contract-rules/index.ts";
import { base64ToBytes, bytesToBase64, utf8ToBytes } from "../crypto/index.ts";
import {
  createFinalityProviderSigner,
  createMemoryDoubleSignGuard,
  createMemoryProofStore,
  type FinalityProviderSignerOptions,
} from "./index.ts";

const ACTIVATION = 1_000;
const INTERVAL = 7;
const START = ACTIVATION + 3 * INTERVAL;
const NUM = 64;

const base: FinalityProviderSignerOptions = {
  secretKey: sha256(utf8ToBytes("finality-edge property key")),
  bsnId: "prop-bsn",
  babylonChainId: "bbn-prop-1",
  contractAddress: "bbn1propertycontract",
  bsnActivationHeight: ACTIVATION,
  finalitySignatureInterval: INTERVAL,
  proofStore: createMemoryProofStore(),
};
const rules: ContractRulesOptions = {
  config: { bsn_activation_height: ACTIVATION, finality_signature_interval: INTERVAL, min_pub_rand: NUM },
  babylonChainId: base.babylonChainId,
  contractAddress: base.contractAddress,
};

let commit: CommitRecord;

beforeAll(async () => {
  commit = (
    await createFinalityProviderSigner(base).commitPublicRandomness({ startHeight: START, numPubRand: NUM })
  ).commit;
});

const flip = (text: string, bit: number) => {
  const bytes = base64ToBytes(text);
  const i = bit >> 3;
  bytes[i] = (bytes[i] as number) ^ (1 << (bit & 7));
  return bytesToBase64(bytes);
};

describe("property: votes on the committed grid", () => {
  it("pass the contract checks, and any single-bit flip in block_hash or signature fails them", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: NUM - 1 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.constantFrom("block_hash" as const, "signature" as const),
        fc.integer({ min: 0, max: 255 }),
        async (index, blockHash, target, bit) => {
          // A fresh guard per run: the property is about the message, not the double-sign rule.
          const signer = createFinalityProviderSigner({
            ...base,
            doubleSignGuard: createMemoryDoubleSignGuard(),
          });
          const height = START + index * INTERVAL;
          const body = (await signer.submitFinalitySignature({ height, blockHash }))
            .submit_finality_signature;
          checkSubmitFinalitySignature(body, rules, commit);

          const mutated = { ...body, [target]: flip(body[target], bit) };
          expect(() => checkSubmitFinalitySignature(mutated, rules, commit)).toThrow(ContractRuleError);
        },
      ),
      { numRuns: 40 },
    );
  });
});
