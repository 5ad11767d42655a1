/**
 * @module The bridge gate: a withdrawal is released only when its L2 transaction is BTC-finalized (the edge's tx
 * answer) AND that answer verifies (verify-answer.ts). Everything else keeps it waiting or refuses it; nothing is
 * released twice (store.ts). Each `process` call is one look: safe to repeat, to run after a crash, or from two
 * processes, because the decision to release is re-made against the store inside its transaction.
 */
import {
  type FinalityClient,
  type Hash,
  isRetryable,
  NotFoundError,
  type TxFinality,
} from "../../sdk/src/index.ts";
import type { GateStore, ReleaseRecord, TrackedWithdrawal } from "./store.ts";
import { WithdrawalConflictError } from "./store.ts";
import {
  type AnswerVerifier,
  createAnswerVerifier,
  firstLine,
  loadVerifyConfig,
  type VerifyConfig,
  type VerifyPins,
} from "./verify-answer.ts";

export type Withdrawal = { id: string; txHash: Hash };

/** Why a withdrawal is still waiting: each may change with time. */
export type WaitReason =
  | "pending"
  | "unknown_tx"
  | "edge_unavailable"
  | "no_voting_power"
  | "unverified"
  | "unexpected_status";

/** Why a withdrawal is refused for good (it stays refused; nothing re-opens it). */
export type RefuseReason = "not_canonical" | "before_activation" | "unknown_tx";

export type GateOutcome = { id: string; txHash: string } & (
  | { state: "released"; newly: boolean; release: ReleaseRecord }
  | { state: "waiting"; reason: WaitReason; detail: string }
  | { state: "refused"; reason: string; detail: string }
  /** The input contradicts the store (another tx for this id, or a tx claimed by another id): nothing stored. */
  | { state: "conflict"; detail: string }
);

export type BridgeGateOptions = {
  /** One edge, one chain (`createFinalityClient({ url, chain, fetch?, retry? })`). */
  client: FinalityClient;
  store: GateStore;
  /** Default: `verifyDecision` only (see `createAnswerVerifier` for Babylon and L2 checks). */
  verify?: AnswerVerifier;
  pins?: VerifyPins;
  /** How long an unknown transaction is waited for before it is refused (default 10 minutes). */
  unknownTxGraceMs?: number;
  now?: () => number;
};

export type SettleOptions = {
  /** Between passes over the waiting withdrawals (default 2000 ms). */
  pollMs?: number;
  signal?: AbortSignal;
  /** Each outcome whose state or reason differs from the last one seen for that withdrawal. */
  onOutcome?: (outcome: GateOutcome) => void;
};

export type BridgeGate = {
  process(withdrawal: Withdrawal, options?: { signal?: AbortSignal }): Promise<GateOutcome>;
  /** One pass over the list, in order. */
  processAll(withdrawals: readonly Withdrawal[], options?: { signal?: AbortSignal }): Promise<GateOutcome[]>;
  /** Passes until none is waiting or `signal` aborts; the last outcome of each. */
  settle(withdrawals: readonly Withdrawal[], options?: SettleOptions): Promise<GateOutcome[]>;
};

const DEFAULT_UNKNOWN_GRACE_MS = 10 * 60_000;

export function createBridgeGate(options: BridgeGateOptions): BridgeGate {
  const { client, store } = options;
  const verify = options.verify ?? createAnswerVerifier();
  const now = options.now ?? Date.now;
  const graceMs = options.unknownTxGraceMs ?? DEFAULT_UNKNOWN_GRACE_MS;
  // Read once it succeeds: the chain's signing context and quorum do not change under a running gate.
  let config: VerifyConfig | undefined;

  async function look(w: Withdrawal, signal: AbortSignal | undefined): Promise<GateOutcome> {
    const tracked = store.track(w.id, client.chain, w.txHash, now());
    const base = { id: tracked.id, txHash: tracked.txHash };
    const settled = settledOutcome(tracked);
    if (settled) return settled;
    // Another process may have settled it meanwhile: then the store's state is the outcome, not ours.
    const wait = (reason: WaitReason, detail: string): GateOutcome => {
      if (store.wait(w.id, reason, detail, reason === "unknown_tx", now())) {
        return { ...base, state: "waiting", reason, detail };
      }
      return settledOutcome(store.get(w.id) as TrackedWithdrawal) as GateOutcome;
    };
    const refuse = (reason: RefuseReason, detail: string): GateOutcome => {
      if (store.refuse(w.id, reason, detail, now())) return { ...base, state: "refused", reason, detail };
      return settledOutcome(store.get(w.id) as TrackedWithdrawal) as GateOutcome;
    };

    let answer: TxFinality;
    try {
      config ??= await loadVerifyConfig(client, options.pins);
      answer = await client.getTxFinality(w.txHash, { signal });
    } catch (error) {
      if (error instanceof NotFoundError && error.code === "tx_not_found") {
        const since = tracked.unknownSince ?? now();
        if (now() - since >= graceMs) {
          return refuse(
            "unknown_tx",
            `the L2 node has not known the tx for ${Math.round((now() - since) / 1000)} s`,
          );
        }
        return wait("unknown_tx", "the L2 node does not know the tx (yet)");
      }
      // The SDK already retried per Retry-After; the gate just looks again on its next pass.
      if (isRetryable(error)) return wait("edge_unavailable", firstLine((error as Error).message));
      throw error;
    }

    const reason = answer.reason ?? "";
    switch (answer.status) {
      case "not_canonical":
        return refuse("not_canonical", reason || "the tx's block is not on the canonical chain");
      case "before_activation":
        return refuse("before_activation", reason || "below the finality contract's activation");
      case "pending":
        return wait("pending", reason || "not finalized yet");
      case "no_voting_power":
        return wait("no_voting_power", reason);
      case "finalized":
        break;
      default:
        return wait("unexpected_status", `status ${answer.status}`);
    }
    const block = answer.block;
    const verdict = block ? await verify(answer, config) : { ok: false as const, detail: "no block" };
    // A finalized claim that does not verify is an alarm, not a refusal: a later answer (or Babylon) may verify.
    if (!block || !verdict.ok) return wait("unverified", verdict.ok ? "" : verdict.detail);
    const result = store.release({
      withdrawalId: w.id,
      chain: client.chain,
      txHash: tracked.txHash,
      blockNumber: block.number,
      blockHash: block.hash.toLowerCase(),
      gridHeight: answer.gridHeight,
      btcHeight: answer.btcHeight,
      votedPower: answer.quorum?.votedPower ?? "0",
      totalPower: answer.quorum?.totalPower ?? "0",
      verification: verdict.level,
      releasedAt: now(),
    });
    if (!result) return settledOutcome(store.get(w.id) as TrackedWithdrawal) as GateOutcome;
    return { ...base, state: "released", newly: result.newly, release: result.release };
  }

  /** The outcome of a withdrawal the store already settled (released or refused); undefined while waiting. */
  function settledOutcome(t: TrackedWithdrawal): GateOutcome | undefined {
    const base = { id: t.id, txHash: t.txHash };
    if (t.state === "released") {
      return { ...base, state: "released", newly: false, release: store.releaseOf(t.id) as ReleaseRecord };
    }
    if (t.state === "refused")
      return { ...base, state: "refused", reason: t.reason ?? "", detail: t.detail ?? "" };
    return undefined;
  }

  async function processOne(w: Withdrawal, o: { signal?: AbortSignal } = {}): Promise<GateOutcome> {
    try {
      return await look(w, o.signal);
    } catch (error) {
      if (error instanceof WithdrawalConflictError) {
        return { id: w.id, txHash: w.txHash, state: "conflict", detail: error.message };
      }
      throw error;
    }
  }

  async function processAll(ws: readonly Withdrawal[], o: { signal?: AbortSignal } = {}) {
    const outcomes: GateOutcome[] = [];
    for (const w of ws) {
      if (o.signal?.aborted) break;
      outcomes.push(await processOne(w, o));
    }
    return outcomes;
  }

  async function settle(ws: readonly Withdrawal[], o: SettleOptions = {}): Promise<GateOutcome[]> {
    const last = new Map<string, GateOutcome>();
    const key = (x: GateOutcome) => `${x.state}:${"reason" in x ? x.reason : ""}`;
    let open = [...ws];
    while (open.length > 0 && !o.signal?.aborted) {
      let outcomes: GateOutcome[];
      try {
        outcomes = await processAll(open, o);
      } catch (error) {
        // Aborted mid-request: the withdrawal keeps its last state; anything else is the caller's to see.
        if (o.signal?.aborted) break;
        throw error;
      }
      for (const outcome of outcomes) {
        const before = last.get(outcome.id);
        if (!before || key(before) !== key(outcome)) o.onOutcome?.(outcome);
        last.set(outcome.id, outcome);
      }
      open = open.filter((w) => last.get(w.id)?.state === "waiting");
      if (open.length > 0) await sleep(o.pollMs ?? 2_000, o.signal);
    }
    return ws.flatMap((w) => last.get(w.id) ?? []);
  }

  return { process: processOne, processAll, settle };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
