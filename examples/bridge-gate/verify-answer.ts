/**
 * @module Whether a finalized answer may release funds: the SDK's verifier over the answer's own evidence
 * (`verifyDecision`), or re-read from a Babylon RPC the operator chooses (`verifyWithBabylon`), and — with an L2
 * RPC the operator trusts — the transaction's receipt: it succeeded, in the very block the answer is about.
 */
import { createPublicClient, type Hash, http, type PublicClient } from "viem";
import type { FinalityClient, TxFinality } from "../../sdk/src/index.ts";
import {
  createL2BlockReader,
  type L2BlockReader,
  type QuorumOption,
  type VerificationResult,
  verifyDecision,
  verifyWithBabylon,
} from "../../sdk/src/verify/index.ts";

/** What a vote's signature and the quorum depend on, per chain (`GET /v1/chains`). */
export type VerifyConfig = {
  babylonChainId: string;
  contractAddress: string;
  quorum: QuorumOption;
  /** The BSN the contract must serve (checked against Babylon by `verifyWithBabylon`). */
  bsnId: string | undefined;
};

/**
 * Values the operator configured out of band. The edge lists the rest, but an edge that lies could name a contract
 * of its own: a production bridge pins these, and the gate refuses to start when the edge disagrees.
 */
export type VerifyPins = { babylonChainId?: string; contractAddress?: string; bsnId?: string };

export class ConfigMismatchError extends Error {
  override name = "ConfigMismatchError";
}

export async function loadVerifyConfig(client: FinalityClient, pins: VerifyPins = {}): Promise<VerifyConfig> {
  const chain = (await client.getChains()).find((c) => c.id === client.chain);
  if (!chain) throw new ConfigMismatchError(`the edge ${client.url} does not list chain ${client.chain}`);
  const listed = {
    babylonChainId: chain.babylonChainId,
    contractAddress: chain.contractAddress,
    bsnId: chain.contract?.bsnId,
  };
  for (const key of ["babylonChainId", "contractAddress", "bsnId"] as const) {
    const pinned = pins[key];
    if (pinned !== undefined && pinned !== listed[key]) {
      throw new ConfigMismatchError(`${key}: pinned ${pinned}, the edge lists ${listed[key] ?? "none"}`);
    }
  }
  return { ...listed, bsnId: pins.bsnId ?? listed.bsnId, quorum: chain.quorum };
}

export type AnswerVerifierOptions = {
  /** A Babylon RPC the operator trusts (not the edge's): then `verifyWithBabylon`. */
  babylonRpcUrl?: string | undefined;
  /** An L2 RPC the operator trusts: receipt checked, block canonical there (`l2`). */
  l2RpcUrl?: string | undefined;
  timeoutMs?: number | undefined;
};

export type AnswerVerdict =
  | { ok: true; level: VerificationResult["level"]; checks: number }
  | { ok: false; detail: string };

export type AnswerVerifier = (answer: TxFinality, config: VerifyConfig) => Promise<AnswerVerdict>;

export function createAnswerVerifier(options: AnswerVerifierOptions = {}): AnswerVerifier {
  const l2: { client: PublicClient; reader: L2BlockReader } | undefined = options.l2RpcUrl
    ? {
        client: createPublicClient({ transport: http(options.l2RpcUrl) }),
        reader: createL2BlockReader(options.l2RpcUrl),
      }
    : undefined;

  return async (answer, config) => {
    const block = answer.block;
    if (!block) return { ok: false, detail: "the answer names no block" };
    let expected: { number: number; hash: string } | undefined;
    if (l2) {
      const receipt = await l2.client
        .getTransactionReceipt({ hash: answer.txHash as Hash })
        .catch((error: Error) => error);
      if (receipt instanceof Error) return { ok: false, detail: `L2 receipt: ${firstLine(receipt.message)}` };
      // Finality of a block says nothing about a reverted transaction in it.
      if (receipt.status !== "success") return { ok: false, detail: `the transaction ${receipt.status}` };
      expected = { number: Number(receipt.blockNumber), hash: receipt.blockHash.toLowerCase() };
    }
    const base = {
      babylonChainId: config.babylonChainId,
      contractAddress: config.contractAddress,
      quorum: config.quorum,
      ...(expected ? { expected } : {}),
      ...(l2 ? { l2: l2.reader } : {}),
    };
    const result = options.babylonRpcUrl
      ? await verifyWithBabylon(answer, {
          ...base,
          babylonRpcUrl: options.babylonRpcUrl,
          ...(config.bsnId ? { bsnId: config.bsnId } : {}),
          ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
        })
      : await verifyDecision(answer, base);
    if (result.valid) return { ok: true, level: result.level, checks: result.checks.length };
    const failed = result.failures.length > 0 ? result.failures : result.checks.filter((c) => !c.ok);
    return {
      ok: false,
      detail: `${result.level} verification failed: ${failed.map((f) => `${f.name}: ${f.detail}`).join("; ") || "not valid"}`,
    };
  };
}

export const firstLine = (text: string) => text.split("\n", 1)[0] ?? text;
