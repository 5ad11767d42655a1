/**
 * @module Finalized answers are made once: the JSON body and its ETag are built when a block (or transaction) is
 * first found finalized and stored under every id that names it, so later requests serve those bytes as they are.
 */
import { putFinalizedAnswer } from "../cache/index.ts";
import type { Decision } from "../finality/index.ts";
import type { Hex } from "../l2/index.ts";
import { type JsonEntity, jsonEntity } from "./http-cache.ts";
import { decisionJson } from "./schemas.ts";

/** The answer about a finalized block, stored by its height and by its hash. */
export async function finalizedBlockAnswer(
  kv: KVNamespace,
  chain: string,
  decision: Decision,
): Promise<JsonEntity> {
  const answer = await jsonEntity(decisionJson(chain, decision));
  const { number, hash } = decision.block;
  await putFinalizedAnswer(
    kv,
    chain,
    [
      { kind: "number", number: Number(number) },
      { kind: "hash", hash },
    ],
    answer,
  );
  return answer;
}

/** The answer about a transaction in a finalized block, stored by the transaction's hash. */
export async function finalizedTxAnswer(
  kv: KVNamespace,
  chain: string,
  txHash: Hex,
  decision: Decision,
): Promise<JsonEntity> {
  const answer = await jsonEntity({ ...decisionJson(chain, decision), txHash });
  await putFinalizedAnswer(kv, chain, [{ kind: "tx", hash: txHash }], answer);
  return answer;
}
