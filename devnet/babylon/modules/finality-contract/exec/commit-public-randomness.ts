/**
 * @module `commit_public_randomness` (contract.md §9.1), in the contract's order: the stateless
 * field checks (steps 1–8, `checkCommitFields`), the allowlist, the Babylon lookup (only
 * `slashed_babylon_height` counts here; no BSN check), the rate limit, the BIP-340 signature, the
 * current epoch, the overlap with the FP's last commit, then store and emit.
 */
import {
  type CommitPublicRandomnessMsg,
  checkCommitFields,
  checkCommitFinalityProvider,
  checkCommitOverlap,
  verifyCommitSignature,
} from "../../../../../src/contract-rules/index.ts";
import { bytesToBase64, bytesToHex } from "../../../../../src/crypto/index.ts";
import type { BlockContext } from "../../../chain/module.ts";
import type { BabylonHost } from "../../babylon-host.ts";
import { queryFinalityProvider } from "../babylon-queries.ts";
import { runRule } from "../errors.ts";
import type { ExecuteMsg } from "../messages.ts";
import { ResponseBuilder } from "../response.ts";
import { assertAllowlisted } from "../state/allowlist.ts";
import { loadConfig, ruleConfig } from "../state/config.ts";
import { commitRecord, lastPubRandCommit, savePubRandCommit } from "../state/pub-rand-commits.ts";
import { checkRateLimitAndAccumulate } from "../state/rate-limit.ts";
import type { ContractStorage } from "../storage.ts";
import type { ContractCallOptions, ContractEnv, ContractResponse } from "../types.ts";

type Body = Extract<ExecuteMsg, { variant: "commit_public_randomness" }>["body"];

export function commitPublicRandomness(
  storage: ContractStorage,
  env: ContractEnv,
  ctx: BlockContext,
  host: BabylonHost,
  body: Body,
  options: ContractCallOptions,
): ContractResponse {
  const config = loadConfig(storage);
  // The rule checks take the message as JSON: u64s as bigints, binaries as base64.
  const msg = {
    fp_pubkey_hex: body.fp_pubkey_hex,
    start_height: body.start_height,
    num_pub_rand: body.num_pub_rand,
    commitment: bytesToBase64(body.commitment),
    signature: bytesToBase64(body.signature),
  } as unknown as CommitPublicRandomnessMsg;
  const checked = runRule(() => checkCommitFields(msg, { config: ruleConfig(config) }));
  const fpHex = bytesToHex(checked.fpPubkey);

  assertAllowlisted(storage, fpHex);

  const fp = queryFinalityProvider(host, ctx, fpHex);
  runRule(() => checkCommitFinalityProvider(fp, checked.fpPubkey, body.fp_pubkey_hex));

  checkRateLimitAndAccumulate(storage, BigInt(env.blockHeight), config, checked.fpPubkey);

  options.meter?.compute("bip340", 1);
  runRule(() =>
    verifyCommitSignature(checked, { babylonChainId: env.chainId, contractAddress: env.contractAddress }),
  );

  const epoch = BigInt(host.currentEpoch(ctx));
  const last = lastPubRandCommit(storage, checked.fpPubkey);
  runRule(() => checkCommitOverlap(checked.startHeight, last === undefined ? undefined : commitRecord(last)));
  savePubRandCommit(storage, checked.fpPubkey, {
    startHeight: checked.startHeight,
    numPubRand: checked.numPubRand,
    interval: config.finalitySignatureInterval,
    babylonEpoch: epoch,
    commitment: checked.commitment,
  });

  return new ResponseBuilder()
    .event("public_randomness_commit", [
      ["fp_pubkey_hex", fpHex],
      ["pr_commit.start_height", checked.startHeight.toString()],
      ["pr_commit.num_pub_rand", checked.numPubRand.toString()],
    ])
    .build();
}
