/**
 * @module The queue consumer: batches verified submissions into Babylon transactions signed by the relayer,
 * bisecting around messages the chain refuses, retrying transient failures with backoff, dead-lettering what
 * fails for good, and never sending a message twice (a redelivered message is first looked up on chain).
 * The queue runs one consumer at a time (`max_concurrency = 1`), so the relayer's sequence is never raced.
 */
import { deletePowerTables } from "../cache/index.ts";
import type { ChainConfig } from "../chains/index.ts";
import { loadChainRegistry } from "../chains/index.ts";
import type { Instruction, ItemOutcome, Relayer } from "../relayer/index.ts";
import { submitWithBisection } from "../relayer/index.ts";
import { updateRelayCounts } from "./metrics.ts";
import { clearPending } from "./pending.ts";
import { getSubmissionRecord, type SubmissionStatus, setSubmissionStatus } from "./records.ts";
import type { QueuedSubmission } from "./types.ts";

/** Deliveries before a transiently failing message is dead-lettered (wrangler.toml `max_retries` is 10). */
export const MAX_ATTEMPTS = 8;
const DEFAULT_MAX_BATCH = 25;

export type ConsumerDeps = {
  /** The relayer for a chain's Babylon (built per consumer run; the mnemonic comes from the Worker secret). */
  relayer(chain: ChainConfig, env: Env): Promise<Pick<Relayer, "submitBatch">>;
  /** Whether this submission is already on chain (a redelivery after an unknown outcome). */
  isOnChain(chain: ChainConfig, item: QueuedSubmission): Promise<boolean>;
};

type Delivery = Message<QueuedSubmission>;

/** Seconds before the n-th retry: 2, 4, 8 … capped at a minute. */
export const backoffSeconds = (attempts: number) => Math.min(60, 2 ** Math.max(1, attempts));

const instructionOf =
  (chain: ChainConfig) =>
  (item: QueuedSubmission): Instruction => ({
    contractAddress: chain.contractAddress,
    msg:
      item.kind === "commit"
        ? { commit_public_randomness: item.msg }
        : { submit_finality_signature: item.msg },
  });

export async function consumeSubmissions(
  batch: MessageBatch<QueuedSubmission>,
  env: Env,
  deps: ConsumerDeps,
): Promise<void> {
  const registry = await loadChainRegistry(env);
  const byChain = new Map<string, Delivery[]>();
  for (const message of batch.messages) {
    const list = byChain.get(message.body.chain) ?? [];
    list.push(message);
    byChain.set(message.body.chain, list);
  }
  const maxBatch = Math.max(1, Number(env.MAX_BATCH) || DEFAULT_MAX_BATCH);
  // Chains one after another: they share the relayer account.
  for (const [chainId, deliveries] of byChain) {
    let chain: ChainConfig;
    try {
      chain = registry.get(chainId);
    } catch {
      for (const d of deliveries) await fail(env, d, { code: "unknown_chain", message: `chain ${chainId}` });
      continue;
    }
    await consumeChain(env, chain, deliveries, maxBatch, deps);
  }
}

async function consumeChain(
  env: Env,
  chain: ChainConfig,
  deliveries: Delivery[],
  maxBatch: number,
  deps: ConsumerDeps,
): Promise<void> {
  const pending: Delivery[] = [];
  const seen = new Set<string>();
  try {
    for (const d of deliveries) {
      // Two copies of one message (a requeue racing a retry): one is enough.
      if (seen.has(d.body.id)) {
        settled.add(d);
        d.ack();
        continue;
      }
      seen.add(d.body.id);
      // A redelivery may follow a tx whose inclusion was never confirmed; a requeued copy may be late: look
      // at the record and on chain before sending it again.
      if (d.attempts > 1 || d.body.requeued) {
        const record = await getSubmissionRecord(env.FINALITY_KV, chain.id, d.body.id);
        if (record && record.status !== "queued") {
          await clearPending(env.FINALITY_KV, chain.id, d.body.id);
          settled.add(d);
          d.ack();
          continue;
        }
        if (await deps.isOnChain(chain, d.body)) {
          const txHash = record?.status === "queued" ? (record.lastTxHash ?? null) : null;
          await settle(env, d, { status: "submitted", txHash, babylonHeight: null });
          continue;
        }
      }
      pending.push(d);
    }
  } catch (error) {
    // Babylon unreachable: nothing can be decided now.
    for (const d of deliveries) if (!isSettled(d)) retry(d, error);
    return;
  }
  if (pending.length === 0) return;

  let relayer: Pick<Relayer, "submitBatch">;
  try {
    relayer = await deps.relayer(chain, env);
  } catch (error) {
    for (const d of pending) await retryOrFail(env, d, error);
    return;
  }
  for (let i = 0; i < pending.length; i += maxBatch) {
    const chunk = pending.slice(i, i + maxBatch);
    const sizes: number[] = [];
    let txFailures = 0;
    const outcomes = await submitWithBisection(
      chunk.map((d) => d.body),
      instructionOf(chain),
      async (instructions) => {
        const outcome = await relayer.submitBatch(instructions);
        if (outcome.kind === "included") sizes.push(instructions.length);
        else if (outcome.kind === "rejected") txFailures++;
        return outcome;
      },
    );
    const counts = { submitted: 0, failed: 0, retries: 0, duplicates: 0 };
    for (const [index, d] of chunk.entries()) {
      const outcome = outcomes[index] as ItemOutcome;
      counts[await apply(env, d, outcome)]++;
    }
    await updateRelayCounts(env.FINALITY_KV, chain.id, (m) => {
      m.submitted += counts.submitted;
      m.failed += counts.failed;
      m.retries += counts.retries;
      m.duplicates += counts.duplicates;
      m.transactions += sizes.length;
      m.txFailures += txFailures;
      for (const size of sizes) m.batchSizes[String(size)] = (m.batchSizes[String(size)] ?? 0) + 1;
    });
  }
}

const settled = new WeakSet<Delivery>();
const isSettled = (d: Delivery) => settled.has(d);

async function settle(env: Env, d: Delivery, status: SubmissionStatus): Promise<void> {
  await setSubmissionStatus(env.FINALITY_KV, d.body, status, d.attempts);
  await clearPending(env.FINALITY_KV, d.body.chain, d.body.id);
  settled.add(d);
  d.ack();
}

function retry(d: Delivery, reason: unknown): void {
  console.warn(
    `submission ${d.body.id}: retry ${d.attempts}: ${reason instanceof Error ? reason.message : reason}`,
  );
  settled.add(d);
  d.retry({ delaySeconds: backoffSeconds(d.attempts) });
}

/** Transient trouble: retry with backoff, or dead-letter once the attempts are spent. */
async function retryOrFail(env: Env, d: Delivery, reason: unknown): Promise<"retries" | "failed"> {
  if (d.attempts < MAX_ATTEMPTS) {
    retry(d, reason);
    return "retries";
  }
  const message = reason instanceof Error ? reason.message : String(reason);
  await fail(env, d, {
    code: "upstream_unavailable",
    message: `gave up after ${d.attempts} attempts: ${message}`,
  });
  return "failed";
}

/** A permanent failure: the record says why, the message goes to the dead-letter queue. */
async function fail(env: Env, d: Delivery, error: { code: string; message: string }): Promise<void> {
  await env.SUBMISSIONS_DLQ.send({ ...d.body, error }, { contentType: "json" });
  await settle(env, d, { status: "failed", ...error });
}

async function apply(
  env: Env,
  d: Delivery,
  outcome: ItemOutcome,
): Promise<"submitted" | "failed" | "retries" | "duplicates"> {
  switch (outcome.status) {
    case "submitted":
      await settle(env, d, { status: "submitted", txHash: outcome.txHash, babylonHeight: outcome.height });
      // The contract hands equivocation evidence to Babylon in the same tx: the FP is slashed now, and power
      // tables cached before it still count its stake.
      if (d.body.equivocation) await deletePowerTables(env.FINALITY_KV, d.body.chain);
      return "submitted";
    case "failed":
      // The chain already holds exactly this vote (an earlier attempt, or another relayer): nothing is lost.
      if (outcome.error.code === "duplicated_finality_sig") {
        await settle(env, d, { status: "duplicate" });
        return "duplicates";
      }
      await fail(env, d, outcome.error);
      return "failed";
    case "unknown":
      // Sent but not seen included: remember the tx, and look on chain at the next delivery.
      await setSubmissionStatus(
        env.FINALITY_KV,
        d.body,
        { status: "queued", lastTxHash: outcome.txHash },
        d.attempts,
      );
      return retryOrFail(env, d, new Error(`tx ${outcome.txHash} not seen included yet`));
    case "retry":
      return retryOrFail(env, d, new Error(outcome.reason));
  }
}
