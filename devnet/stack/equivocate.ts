/**
 * @module The `--equivocate` scenario: what a compromised or misconfigured operator does. With the FP's key (devnet
 * keys are public) and a fresh double-sign guard, it signs a second block hash at the height the FP voted last and
 * sends it through the edge, which relays the evidence; Babylon slashes the FP. The FP's own daemon never does this:
 * its state database refuses a second hash at any height.
 */
import { createFinalityClient } from "../../sdk/src/index.ts";
import {
  createFinalityQueryClient,
  getContractConfig,
  getHighestVotedHeight,
  getPubRandCommitForHeight,
} from "../../src/babylon/index.ts";
import { hexToBytes } from "../../src/crypto/index.ts";
import { createL2Client, getBlockRef } from "../../src/l2/index.ts";
import {
  createFinalityProviderSigner,
  createMemoryDoubleSignGuard,
  createMemoryProofStore,
} from "../../src/provider/index.ts";

export type EquivocateOptions = {
  btcSecretKeyHex: string;
  edgeUrl: string;
  chain: string;
  babylonRpcUrl: string;
  babylonChainId: string;
  contractAddress: string;
  l2RpcUrl: string;
  timeoutMs?: number;
};

export async function equivocate(
  options: EquivocateOptions,
): Promise<{ height: number; submissionId: string }> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const contract = createFinalityQueryClient(options.babylonRpcUrl, options.contractAddress, {
    timeoutMs: 5_000,
  });
  const config = await getContractConfig(contract);
  const signer = createFinalityProviderSigner({
    secretKey: hexToBytes(options.btcSecretKeyHex),
    bsnId: config.bsnId,
    babylonChainId: options.babylonChainId,
    contractAddress: options.contractAddress,
    bsnActivationHeight: config.activationHeight,
    finalitySignatureInterval: config.interval,
    proofStore: createMemoryProofStore(),
    doubleSignGuard: createMemoryDoubleSignGuard(),
  });
  // The FP's last vote on Babylon: the conflicting one is only evidence if the first is there.
  const deadline = Date.now() + timeoutMs;
  let height = await getHighestVotedHeight(contract, signer.publicKeyHex);
  while (height === null) {
    if (Date.now() > deadline) throw new Error("equivocate: the FP has no vote on Babylon yet");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    height = await getHighestVotedHeight(contract, signer.publicKeyHex);
  }
  const commit = await getPubRandCommitForHeight(contract, signer.publicKeyHex, height);
  if (commit === null) throw new Error(`equivocate: no commit covers height ${height}`);
  // Same range, same randomness: the proofs of the commit on Babylon (only the BIP-340 signature differs).
  await signer.commitPublicRandomness({ startHeight: commit.startHeight, numPubRand: commit.numPubRand });
  const block = await getBlockRef(createL2Client(options.l2RpcUrl, { cacheTime: 0 }), height);
  const fork = hexToBytes(block.hash.slice(2));
  fork[31] = (fork[31] ?? 0) ^ 0xff;
  const msg = await signer.submitFinalitySignature({ height, blockHash: fork });
  const edge = createFinalityClient({ url: options.edgeUrl, chain: options.chain });
  const [answer] = await edge.submitFinalitySignatures([msg.submit_finality_signature]);
  if (!answer?.equivocation) throw new Error(`equivocate: the edge did not see an equivocation at ${height}`);
  return { height, submissionId: answer.id };
}
