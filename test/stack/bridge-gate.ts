/**
 * @module The bridge gate (examples/bridge-gate) against a running stack: released exactly once and verified
 * (against Babylon and the L2 node too), not again after a restart on the same SQLite file; an unknown or pending
 * transaction is not released; edge 503s are survived; a `not_canonical` answer is refused and a tampered
 * finalized answer held. Faults are injected through the SDK client's `fetch` option, never into the stack.
 */
import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { l2Rpc } from "../../devnet/stack/start-stack.ts";
import {
  type BridgeGate,
  createBridgeGate,
  type GateOutcome,
  type Withdrawal,
} from "../../examples/bridge-gate/gate.ts";
import { type GateStore, openGateStore } from "../../examples/bridge-gate/store.ts";
import { createAnswerVerifier } from "../../examples/bridge-gate/verify-answer.ts";
import { createFinalityClient, type FetchFn, type Hash } from "../../sdk/src/index.ts";
import { sendTransfer } from "./send-transfer.ts";

export type GateWorld = {
  edge: string;
  chain: string;
  l2RpcUrl: string;
  babylonRpcUrl: string;
  /** The gate's SQLite file (shared by the "restarted" gates). */
  dbPath: string;
  log: (line: string) => void;
};

const SETTLE_MS = 90_000;

/** A gate on `store` whose edge requests go through `fetch` (default: the real one). */
function gateOn(world: GateWorld, store: GateStore, options: { fetch?: FetchFn; graceMs?: number } = {}) {
  const client = createFinalityClient({
    url: world.edge,
    chain: world.chain,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    retry: { attempts: 3, baseDelayMs: 100 },
  });
  return createBridgeGate({
    client,
    store,
    verify: createAnswerVerifier({ babylonRpcUrl: world.babylonRpcUrl, l2RpcUrl: world.l2RpcUrl }),
    ...(options.graceMs !== undefined ? { unknownTxGraceMs: options.graceMs } : {}),
  });
}

/** Until released or refused (bounded); every distinct outcome on the way. */
async function settle(gate: BridgeGate, w: Withdrawal, log: GateWorld["log"]): Promise<GateOutcome[]> {
  const seen: GateOutcome[] = [];
  await gate.settle([w], {
    pollMs: 500,
    signal: AbortSignal.timeout(SETTLE_MS),
    onOutcome: (o) => {
      seen.push(o);
      log(`${o.id}: ${o.state}${"reason" in o ? ` ${o.reason}` : ""}`);
    },
  });
  return seen;
}

/** Answers 503 `upstream_unavailable` (Retry-After 0) to the first `count` requests, then passes them on. */
function failingFirst(count: number): FetchFn & { calls(): number } {
  let calls = 0;
  const wrapped = async (input: string, init: RequestInit) => {
    calls++;
    if (calls > count) return fetch(input, init);
    const problem = { type: "about:blank", title: "Service Unavailable", code: "upstream_unavailable" };
    return new Response(JSON.stringify({ ...problem, status: 503, detail: "injected by the test" }), {
      status: 503,
      headers: { "content-type": "application/problem+json", "retry-after": "0" },
    });
  };
  return Object.assign(wrapped, { calls: () => calls });
}

/** Passes requests on; the tx route's JSON answer is rewritten by `edit` (served without an ETag). */
function rewritingTxAnswers(edit: (answer: Record<string, unknown>) => Record<string, unknown>): FetchFn {
  return async (input, init) => {
    const res = await fetch(input, init);
    if (!/\/txs\/0x[0-9a-f]+\/finality$/i.test(new URL(input).pathname) || res.status !== 200) return res;
    const body = edit((await res.json()) as Record<string, unknown>);
    return new Response(JSON.stringify(body), {
      status: 200,
      headers: { "content-type": "application/json" },
    });
  };
}

const releasesOf = (store: GateStore, id: string) => store.releases().filter((r) => r.withdrawalId === id);

export async function checkBridgeGate(world: GateWorld): Promise<void> {
  // Sent first, so they finalize while the earlier scenarios run.
  const [mainTx, flakyTx, craftedTx, tamperedTx] = [
    await sendTransfer(world.l2RpcUrl),
    await sendTransfer(world.l2RpcUrl),
    await sendTransfer(world.l2RpcUrl),
    await sendTransfer(world.l2RpcUrl),
  ] as [Hash, Hash, Hash, Hash];

  // 1. Released exactly once, verified against Babylon and with the L2 receipt.
  const main: Withdrawal = { id: "w-main", txHash: mainTx };
  let store = await openGateStore(world.dbPath);
  const first = await settle(gateOn(world, store), main, world.log);
  const released = first.at(-1);
  expect(released, JSON.stringify(first)).toMatchObject({ state: "released", newly: true });
  if (released?.state !== "released") throw new Error("unreachable");
  expect(released.release.verification).toBe("babylon");
  expect(releasesOf(store, main.id)).toHaveLength(1);

  // 2. A restarted gate (a new instance on the same file) does not release it again; nor do two at once.
  store.close();
  store = await openGateStore(world.dbPath);
  const second = await openGateStore(world.dbPath);
  try {
    const again = await Promise.all([
      gateOn(world, store).process(main),
      gateOn(world, second).process(main),
    ]);
    for (const o of again)
      expect(o).toMatchObject({ state: "released", newly: false, release: released.release });
    expect(releasesOf(store, main.id)).toHaveLength(1);
  } finally {
    second.close();
  }

  try {
    await unknownAndPending(world, store);

    // 4. Edge 503s for the first calls: the SDK retries, the gate keeps waiting, and it is released.
    const flakyFetch = failingFirst(4);
    const flaky = await settle(
      gateOn(world, store, { fetch: flakyFetch }),
      { id: "w-503", txHash: flakyTx },
      world.log,
    );
    expect(flaky[0]).toMatchObject({ state: "waiting", reason: "edge_unavailable" });
    expect(flaky.at(-1)).toMatchObject({ state: "released", newly: true });
    expect(flakyFetch.calls()).toBeGreaterThan(4);

    // 5. not_canonical (an answer crafted over the real one) is refused for good, even by an honest edge later.
    const crafted: Withdrawal = { id: "w-not-canonical", txHash: craftedTx };
    const notCanonical = rewritingTxAnswers((a) => ({
      ...a,
      finalized: false,
      status: "not_canonical",
      reason: "block on the canonical chain is another (crafted by the test)",
      quorum: null,
      voters: [],
    }));
    expect(await gateOn(world, store, { fetch: notCanonical }).process(crafted)).toMatchObject({
      state: "refused",
      reason: "not_canonical",
    });
    expect(await gateOn(world, store).process(crafted)).toMatchObject({
      state: "refused",
      reason: "not_canonical",
    });

    // 6. A finalized answer whose evidence does not verify (one signature byte flipped) is held, not released.
    const tampered = rewritingTxAnswers((a) => {
      const voters = (a.voters as { signature: string }[]).map((v, i) =>
        i === 0 ? { ...v, signature: flipFirstByte(v.signature) } : v,
      );
      return { ...a, voters };
    });
    const tamperedW: Withdrawal = { id: "w-tampered", txHash: tamperedTx };
    const held = await until(
      () => gateOn(world, store, { fetch: tampered }).process(tamperedW),
      "unverified",
    );
    expect(held).toMatchObject({ state: "waiting", reason: "unverified" });
    expect(held.state === "waiting" && held.detail).toMatch(/signatures|babylon-voters/);
    for (const id of [crafted.id, tamperedW.id, "w-unknown"]) expect(releasesOf(store, id)).toEqual([]);
    expect(
      store
        .releases()
        .map((r) => r.withdrawalId)
        .sort(),
    ).toEqual(["w-503", "w-main", "w-pending"]);
  } finally {
    store.close();
  }
}

/** 3. An unknown tx waits, then is refused after its grace; a tx still in the mempool waits as `pending`. */
async function unknownAndPending(world: GateWorld, store: GateStore): Promise<void> {
  const unknown: Withdrawal = { id: "w-unknown", txHash: `0x${randomBytes(32).toString("hex")}` };
  const strict = gateOn(world, store, { graceMs: 1_500 });
  expect(await strict.process(unknown)).toMatchObject({ state: "waiting", reason: "unknown_tx" });
  await new Promise((resolve) => setTimeout(resolve, 1_600));
  expect(await strict.process(unknown)).toMatchObject({ state: "refused", reason: "unknown_tx" });

  // Interval mining paused: the transaction stays in the mempool, so the edge can only answer `pending`.
  await l2Rpc(world.l2RpcUrl, "evm_setIntervalMining", [0]);
  let pending: Withdrawal;
  try {
    pending = { id: "w-pending", txHash: await sendTransfer(world.l2RpcUrl) };
    expect(await gateOn(world, store).process(pending)).toMatchObject({
      state: "waiting",
      reason: "pending",
    });
  } finally {
    await l2Rpc(world.l2RpcUrl, "evm_setIntervalMining", [1]);
  }
  expect((await settle(gateOn(world, store), pending, world.log)).at(-1)).toMatchObject({
    state: "released",
  });
}

/** The tampered answer must first be a finalized one: look until the gate gets that far (bounded). */
async function until(look: () => Promise<GateOutcome>, reason: string): Promise<GateOutcome> {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    const outcome = await look();
    if (("reason" in outcome && outcome.reason === reason) || outcome.state !== "waiting") return outcome;
    if (Date.now() > deadline) return outcome;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const flipFirstByte = (hex: string) =>
  (Number.parseInt(hex.slice(0, 2), 16) ^ 0xff).toString(16).padStart(2, "0") + hex.slice(2);
