/**
 * @module The queue consumer: batches verified submissions into Babylon transactions signed by the relayer,
 * bisecting around messages the chain refuses, retrying transient failures with backoff, dead-lettering what
 * fails for good, and never sending a message twice (a redelivered message is first looked up on chain).
 * The queue runs one consumer at a time (`max_concurrency = 1`), so the relayer's sequence is never raced.
 */
import { deletePowerTables } from "../cache/index.ts";
import type { ChainConfig } from "../chains/index.ts";
import { loadChainRegistry } from "../chains/index.ts";
import type { SubmissionUpdate } from "../coordinator/ledger.ts";
import type { Instruction, ItemOutcome, Relayer } from "../relayer/index.ts";
import { submitWithBisection } from "../relayer/index.ts";
import type { RelayDelta } from "./metrics.ts";
import type { SubmissionRecord, SubmissionStatus } from "./records.ts";
import type { QueuedSubmission } from "./types.ts";

/** Deliveries before a transiently failing message is dead-lettered (wrangler.toml `max_retries` is 10). */
export const MAX_ATTEMPTS = 8;
const DEFAULT_MAX_BATCH = 25;

/** The chain's exact submission state (its coordinator), as the consumer reads and changes it. */
export type ConsumerBook = {
  records(ids: string[]): Promise<Record<string, SubmissionRecord>>;
  /** Writes the records (and takes settled ones out of the outbox) and the relay counters, in one step. */
  apply(updates: SubmissionUpdate[], relay: RelayDelta): Promise<void>;
};

export type ConsumerDeps = {
  /** The coordinator of a chain. */
  book(chain: ChainConfig, env: Env): ConsumerBook;
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
      // No coordinator to record it in: the dead-letter queue keeps it, with the reason.
      for (const d of deliveries) {
        await env.SUBMISSIONS_DLQ.send(
          { ...d.body, error: { code: "unknown_chain", message: `chain ${chainId}` } },
          { contentType: "json" },
        );
        d.ack();
      }
      continue;
    }
    const run = new ChainRun(env, deps.book(chain, env));
    try {
      await consumeChain(run, env, chain, deliveries, maxBatch, deps);
      await run.flush();
    } catch (error) {
      // The coordinator could not take the outcome: deliver everything again (a redelivery looks on chain first).
      for (const d of deliveries)
        if (!run.acked.has(d)) d.retry({ delaySeconds: backoffSeconds(d.attempts) });
      console.warn(`submissions: recording outcomes for ${chainId} failed; redelivering`, error);
    }
  }
}

/**
 * One chain's share of a batch: the record changes and relay counters it makes, and what becomes of each delivery.
 * Nothing is acknowledged before the coordinator holds the outcome ({@link ChainRun.flush}).
 */
class ChainRun {
  readonly updates: SubmissionUpdate[] = [];
  readonly relay: RelayDelta = {};
  readonly acked = new Set<Delivery>();
  private readonly decided = new Map<Delivery, { ack: true } | { ack: false; delaySeconds: number }>();

  constructor(
    readonly env: Env,
    readonly book: ConsumerBook,
  ) {}

  isDecided(d: Delivery): boolean {
    return this.decided.has(d);
  }
  count(name: keyof RelayDelta | `batch.${number}`, by = 1): void {
    const key = name as keyof RelayDelta;
    this.relay[key] = (this.relay[key] ?? 0) + by;
  }
  settle(d: Delivery, status: SubmissionStatus): void {
    this.updates.push({ item: d.body, status, attempts: d.attempts, settled: true });
    this.decided.set(d, { ack: true });
  }
  note(d: Delivery, status: SubmissionStatus): void {
    this.updates.push({ item: d.body, status, attempts: d.attempts, settled: false });
  }
  ack(d: Delivery): void {
    this.decided.set(d, { ack: true });
  }
  retry(d: Delivery, reason: unknown): void {
    console.warn(
      `submission ${d.body.id}: retry ${d.attempts}: ${reason instanceof Error ? reason.message : reason}`,
    );
    this.decided.set(d, { ack: false, delaySeconds: backoffSeconds(d.attempts) });
  }
  async flush(): Promise<void> {
    if (this.updates.length > 0 || Object.keys(this.relay).length > 0) {
      await this.book.apply(this.updates, this.relay);
    }
    for (const [d, decision] of this.decided) {
      if (decision.ack) {
        d.ack();
        this.acked.add(d);
      } else d.retry({ delaySeconds: decision.delaySeconds });
    }
  }
}

async function consumeChain(
  run: ChainRun,
  env: Env,
  chain: ChainConfig,
  deliveries: Delivery[],
  maxBatch: number,
  deps: ConsumerDeps,
): Promise<void> {
  const pending: Delivery[] = [];
  const seen = new Set<string>();
  const redelivered = deliveries.filter((d) => d.attempts > 1 || d.body.requeued).map((d) => d.body.id);
  try {
    const records = redelivered.length > 0 ? await run.book.records(redelivered) : {};
    for (const d of deliveries) {
      // Two copies of one message (a requeue racing a retry): one is enough.
      if (seen.has(d.body.id)) {
        run.ack(d);
        continue;
      }
      seen.add(d.body.id);
      // A redelivery may follow a tx whose inclusion was never confirmed; a requeued copy may be late: look
      // at the record and on chain before sending it again.
      if (d.attempts > 1 || d.body.requeued) {
        const record = records[d.body.id];
        if (record && record.status !== "queued") {
          run.updates.push({ item: d.body, status: record, attempts: record.attempts, settled: true });
          run.ack(d);
          continue;
        }
        if (await deps.isOnChain(chain, d.body)) {
          const txHash = record?.status === "queued" ? (record.lastTxHash ?? null) : null;
          run.settle(d, { status: "submitted", txHash, babylonHeight: null });
          continue;
        }
      }
      pending.push(d);
    }
  } catch (error) {
    // Babylon (or the coordinator) unreachable: nothing can be decided now.
    for (const d of deliveries) if (!run.isDecided(d)) run.retry(d, error);
    return;
  }
  if (pending.length === 0) return;

  let relayer: Pick<Relayer, "submitBatch">;
  try {
    relayer = await deps.relayer(chain, env);
  } catch (error) {
    for (const d of pending) await retryOrFail(run, d, error);
    return;
  }
  for (let i = 0; i < pending.length; i += maxBatch) {
    const chunk = pending.slice(i, i + maxBatch);
    const outcomes = await submitWithBisection(
      chunk.map((d) => d.body),
      instructionOf(chain),
      async (instructions) => {
        const outcome = await relayer.submitBatch(instructions);
        if (outcome.kind === "included") {
          run.count("transactions");
          run.count("gasUsed", outcome.gasUsed);
          run.count(`batch.${instructions.length}`);
        } else if (outcome.kind === "rejected") run.count("txFailures");
        return outcome;
      },
    );
    for (const [index, d] of chunk.entries()) {
      run.count(await apply(run, d, outcomes[index] as ItemOutcome));
    }
  }
}

/** Transient trouble: retry with backoff, or dead-letter once the attempts are spent. */
async function retryOrFail(run: ChainRun, d: Delivery, reason: unknown): Promise<"retries" | "failed"> {
  if (d.attempts < MAX_ATTEMPTS) {
    run.retry(d, reason);
    return "retries";
  }
  const message = reason instanceof Error ? reason.message : String(reason);
  await fail(run, d, {
    code: "upstream_unavailable",
    message: `gave up after ${d.attempts} attempts: ${message}`,
  });
  return "failed";
}

/** A permanent failure: the record says why, the message goes to the dead-letter queue. */
async function fail(run: ChainRun, d: Delivery, error: { code: string; message: string }): Promise<void> {
  await run.env.SUBMISSIONS_DLQ.send({ ...d.body, error }, { contentType: "json" });
  run.settle(d, { status: "failed", ...error });
}

async function apply(
  run: ChainRun,
  d: Delivery,
  outcome: ItemOutcome,
): Promise<"submitted" | "failed" | "retries" | "duplicates"> {
  switch (outcome.status) {
    case "submitted":
      run.settle(d, { status: "submitted", txHash: outcome.txHash, babylonHeight: outcome.height });
      // The contract hands equivocation evidence to Babylon in the same tx: the FP is slashed now, and power
      // tables cached before it still count its stake.
      if (d.body.equivocation) await deletePowerTables(run.env.FINALITY_KV, d.body.chain);
      return "submitted";
    case "failed":
      // The chain already holds exactly this vote (an earlier attempt, or another relayer): nothing is lost.
      if (outcome.error.code === "duplicated_finality_sig") {
        run.settle(d, { status: "duplicate" });
        return "duplicates";
      }
      await fail(run, d, outcome.error);
      return "failed";
    case "unknown":
      // Sent but not seen included: remember the tx, and look on chain at the next delivery.
      run.note(d, { status: "queued", lastTxHash: outcome.txHash });
      return retryOrFail(run, d, new Error(`tx ${outcome.txHash} not seen included yet`));
    case "retry":
      return retryOrFail(run, d, new Error(outcome.reason));
  }
}
