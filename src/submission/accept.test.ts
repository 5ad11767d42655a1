import { sha256 } from "@noble/hashes/sha2.js";
import { beforeEach, describe, expect, it } from "vitest";
import { chainWithOneFp, type FakeChain, fakeChainState } from "../../test/support/fake-submission-chain.ts";
import { sqliteBooks } from "../../test/support/sqlite-books.ts";
import { ContractRuleError } from "../contract-rules/index.ts";
import { unflushedRefusals } from "../coordinator/isolate-counters.ts";
import { utf8ToBytes } from "../crypto/index.ts";
import {
  createFinalityProviderSigner,
  createMemoryDoubleSignGuard,
  type FinalityProviderSigner,
} from "../provider/index.ts";
import { type AcceptContext, acceptSubmissions } from "./accept.ts";
import { metricsFromCounters } from "./metrics.ts";
import type { QueuedSubmission } from "./types.ts";

const OPTS = { babylonChainId: "bbn-test-5", contractAddress: "bbn1finalitycontractaddressfortests" };
const BSN = "op-rollup-1";
const options = {
  secretKey: sha256(utf8ToBytes("accept fp")),
  bsnId: BSN,
  ...OPTS,
  bsnActivationHeight: 12,
  finalitySignatureInterval: 5,
};
const hash = (label: string) => sha256(utf8ToBytes(label));

let signer: FinalityProviderSigner;
let chain: FakeChain;
let books: ReturnType<typeof sqliteBooks>;
/** Refusals are counted per isolate; each test's are what it adds. */
let refusedBefore: Record<string, number>;
const metrics = () => {
  const m = metricsFromCounters(books.counters(), unflushedRefusals("op-devnet"));
  for (const [code, n] of Object.entries(refusedBefore)) {
    m.refused[code] = (m.refused[code] ?? 0) - n;
    if (m.refused[code] === 0) delete m.refused[code];
  }
  return m;
};
let queued: QueuedSubmission[];
let queueDown: boolean;

function context(): AcceptContext {
  return {
    chain: "op-devnet",
    book: books.book,
    queue: {
      async sendBatch(messages: Iterable<{ body: QueuedSubmission }>) {
        if (queueDown) throw new Error("queue down");
        for (const m of messages) queued.push(m.body);
      },
    } as unknown as Queue,
    // The edge's budget is the coordinator's (in acceptSubmissions); the fake chain's own budget stays unlimited.
    state: fakeChainState(chain),
    babylonHeight: async () => 250n,
    ...OPTS,
    now: () => 1_000,
  };
}

const vote = async (height: number, label: string, s = signer) =>
  (await s.submitFinalitySignature({ height, blockHash: hash(label) })).submit_finality_signature;

beforeEach(async () => {
  signer = createFinalityProviderSigner(options);
  const { commit } = await signer.commitPublicRandomness({ startHeight: 12, numPubRand: 20 });
  const fpHex = signer.publicKeyHex;
  chain = chainWithOneFp(fpHex, BSN, commit.commitment);
  books = sqliteBooks();
  refusedBefore = unflushedRefusals("op-devnet");
  queued = [];
  queueDown = false;
});

describe("acceptSubmissions", () => {
  it("queues verified votes, records them, logs them, and a resend is a duplicate that is not queued again", async () => {
    const votes = [await vote(17, "a"), await vote(22, "b")];
    const first = await acceptSubmissions(context(), "vote", votes);
    expect(first.map((s) => s.status)).toEqual(["queued", "queued"]);
    expect(queued.map((q) => q.height)).toEqual(["17", "22"]);
    const record = books.record(first[0]?.id ?? "");
    expect(record).toMatchObject({
      status: "queued",
      kind: "vote",
      fpBtcPkHex: signer.publicKeyHex,
      height: "17",
    });
    expect(books.votes(signer.publicKeyHex, 17)).toHaveLength(1);
    expect(books.outbox().sort()).toEqual(first.map((a) => a.id).sort());

    // The fake chain knows nothing of it: the edge's own log makes the resend a duplicate.
    const again = await acceptSubmissions(context(), "vote", [votes[0]]);
    expect(again).toEqual([{ id: first[0]?.id, status: "duplicate", equivocation: false }]);
    expect(queued).toHaveLength(2);
    expect(metrics().duplicates).toBe(1);
  });

  it("flags a conflicting vote in the same request as equivocation and keeps the evidence", async () => {
    const rogue = createFinalityProviderSigner({
      ...options,
      doubleSignGuard: createMemoryDoubleSignGuard(),
    });
    await rogue.commitPublicRandomness({ startHeight: 12, numPubRand: 20 });
    const answers = await acceptSubmissions(context(), "vote", [
      await vote(27, "x"),
      await vote(27, "y", rogue),
    ]);
    expect(answers.map((a) => a.equivocation)).toEqual([false, true]);
    expect(queued).toHaveLength(2);
    const evidence = books.evidence(signer.publicKeyHex, 27);
    expect(evidence).toMatchObject({ extractedSecretKeyMatches: true, submissionId: answers[1]?.id });
  });

  it("refuses the whole request at the first bad message, naming its index, and queues nothing", async () => {
    const good = await vote(17, "a");
    const error = await acceptSubmissions(context(), "vote", [good, { ...good, height: 0 }]).catch((e) => e);
    expect(error).toBeInstanceOf(ContractRuleError);
    expect(error).toMatchObject({ code: "before_bsn_activation", details: error.message });
    expect(error.field).toMatch(/^\[1\]/);
    expect(queued).toEqual([]);
    expect(metrics().refused).toEqual({
      before_bsn_activation: 1,
    });
  });

  it("counts the contract's per-FP budget across requests and within one", async () => {
    // fakeChain: 4 messages per 100 Babylon blocks.
    await acceptSubmissions(context(), "vote", [
      await vote(17, "a"),
      await vote(22, "b"),
      await vote(27, "c"),
    ]);
    const error = await acceptSubmissions(context(), "vote", [
      await vote(32, "d"),
      await vote(37, "e"),
    ]).catch((e) => e);
    expect(error).toMatchObject({ code: "rate_limit_exceeded" });
    expect(error.field).toMatch(/^\[1\]/);
    expect(queued).toHaveLength(3);
    // The next interval starts afresh.
    const later = await acceptSubmissions({ ...context(), babylonHeight: async () => 300n }, "vote", [
      await vote(37, "e"),
    ]);
    expect(later[0]?.status).toBe("queued");
  });

  it("loses nothing when the queue refuses: accepted into the outbox, marked to be sent again", async () => {
    queueDown = true;
    const v = await vote(17, "a");
    const [answer] = await acceptSubmissions(context(), "vote", [v]);
    expect(answer?.status).toBe("queued");
    expect(books.outbox()).toEqual([answer?.id]);
    // sent_at 0: the coordinator's next requeue sends it.
    expect(books.rows("outbox")).toMatchObject([{ id: answer?.id, sent_at: 0 }]);
  });

  it("recognises a resent commit by its id before the overlap rule would refuse it", async () => {
    chain.commits.clear();
    const { msg } = await signer.commitPublicRandomness({ startHeight: 212, numPubRand: 20 });
    const body = msg.commit_public_randomness;
    const first = await acceptSubmissions(context(), "commit", [body]);
    expect(first[0]?.status).toBe("queued");
    const again = await acceptSubmissions(context(), "commit", [body]);
    expect(again).toEqual([{ id: first[0]?.id, status: "duplicate", equivocation: false }]);
    expect(queued).toHaveLength(1);
  });
});

describe("acceptSubmissions: who may spend which budget", () => {
  /** Limits that record every call and refuse when told to. */
  function recordingLimits(refuseVerified = false) {
    const calls = { unverified: 0, verified: [] as Map<string, number>[] };
    return {
      calls,
      limits: {
        async unverified() {
          calls.unverified++;
        },
        async verified(byFp: ReadonlyMap<string, number>) {
          calls.verified.push(new Map(byFp));
          if (refuseVerified) throw new ContractRuleError("rate_limit_exceeded", "refused by the test");
        },
      },
    };
  }

  it("1,000 junk votes naming an FP spend none of its budget; its own valid votes are then accepted", async () => {
    const { calls, limits } = recordingLimits();
    const good = await vote(17, "a");
    const junk = [
      { ...good, signature: Buffer.from(new Uint8Array(32).fill(7)).toString("base64") },
      { ...good, pub_rand: Buffer.from(new Uint8Array(32).fill(9)).toString("base64") },
      { ...good, proof: { ...good.proof, aunts: [] } },
      { ...good, height: "not a height" },
    ];
    for (let i = 0; i < 1_000; i++) {
      const answer = await acceptSubmissions({ ...context(), limits }, "vote", [junk[i % junk.length]]).catch(
        (e: unknown) => e,
      );
      expect(answer).toBeInstanceOf(ContractRuleError);
    }
    // Junk whose signature is not the FP's is limited as unverified traffic; the FP's own signature with a broken
    // proof (a mangled replay) proves the key but is refused before any budget is spent. None reached the FP's
    // own limit or the contract budget.
    expect(calls.unverified).toBe(750);
    expect(calls.verified).toEqual([]);
    expect(books.rows("budget")).toEqual([]);

    const accepted = await acceptSubmissions({ ...context(), limits }, "vote", [good, await vote(22, "b")]);
    expect(accepted.map((a) => a.status)).toEqual(["queued", "queued"]);
    expect(calls.unverified).toBe(750);
    expect(calls.verified).toEqual([new Map([[signer.publicKeyHex, 2]])]);
    const refusals = metrics().refused;
    expect(Object.values(refusals).reduce((a: number, b: number) => a + b, 0)).toBe(1_000);
  });

  it("a replayed vote (a duplicate anyone can send) spends nothing of the FP's budget", async () => {
    const { calls, limits } = recordingLimits();
    const good = await vote(17, "a");
    const withLog = { ...context(), limits };
    await acceptSubmissions(withLog, "vote", [good]);
    for (let i = 0; i < 20; i++) {
      expect((await acceptSubmissions(withLog, "vote", [good]))[0]?.status).toBe("duplicate");
    }
    expect(calls.verified).toHaveLength(1);
    expect(calls.unverified).toBe(0);
  });

  it("refused by the FP's own limit after verification: nothing is queued, recorded or counted against the contract budget", async () => {
    const { limits } = recordingLimits(true);
    const error = await acceptSubmissions({ ...context(), limits }, "vote", [await vote(17, "a")]).catch(
      (e) => e,
    );
    expect(error).toMatchObject({ code: "rate_limit_exceeded" });
    expect(queued).toEqual([]);
    expect(books.rows("submission")).toEqual([]);
    expect(books.rows("budget")).toEqual([]);
  });

  it("reads no chain state before the unverified limit, and none at all when it refuses", async () => {
    const untouchable = new Proxy({} as AcceptContext["state"], {
      get() {
        throw new Error("chain state read before the unverified limit");
      },
    });
    const refusing = {
      async unverified() {
        throw new ContractRuleError("rate_limit_exceeded", "global limit");
      },
      async verified() {},
    };
    const good = await vote(17, "a");
    const junk = { ...good, signature: Buffer.from(new Uint8Array(32).fill(7)).toString("base64") };
    const error = await acceptSubmissions({ ...context(), state: untouchable, limits: refusing }, "vote", [
      junk,
    ]).catch((e) => e);
    expect(error).toMatchObject({ message: "global limit" });
  });
});

describe("acceptSubmissions: what travels on", () => {
  it("queues only the contract's fields, as sent: unknown keys (up to the body limit) do not ride along", async () => {
    const good = await vote(17, "a");
    const padded = { ...good, padding: "x".repeat(100_000), proof: { ...good.proof, extra: [1, 2, 3] } };
    const [answer] = await acceptSubmissions(context(), "vote", [padded]);
    const [unpadded] = await acceptSubmissions({ ...context(), book: sqliteBooks().book }, "vote", [good]);
    expect(answer?.id).toBe(unpadded?.id);
    expect(queued[0]?.msg).toEqual(good);
    expect(JSON.stringify(queued[0])).not.toContain("padding");
    expect(JSON.stringify(books.rows("outbox"))).not.toContain("xxxxxxxx");
  });
});

describe("acceptSubmissions: concurrent requests against one coordinator state", () => {
  it("two different valid votes for one FP and height at once: exactly one is first, the other is the equivocation", async () => {
    const rogue = createFinalityProviderSigner({
      ...options,
      doubleSignGuard: createMemoryDoubleSignGuard(),
    });
    await rogue.commitPublicRandomness({ startHeight: 12, numPubRand: 20 });
    const [a, b] = [await vote(27, "x"), await vote(27, "y", rogue)];
    const answers = await Promise.all([
      acceptSubmissions(context(), "vote", [a]),
      acceptSubmissions(context(), "vote", [b]),
    ]);
    const flags = answers.map((r) => r[0]?.equivocation);
    expect(flags.sort()).toEqual([false, true]);
    expect(books.votes(signer.publicKeyHex, 27)).toHaveLength(2);
    const second = answers.find((r) => r[0]?.equivocation)?.[0];
    expect(books.evidence(signer.publicKeyHex, 27)).toMatchObject({
      submissionId: second?.id,
      extractedSecretKeyMatches: true,
    });
    expect(metrics().equivocations).toBe(1);
  });

  it("concurrent requests for one FP spend its budget exactly: 4 accepted, the rest refused", async () => {
    // fakeChain: 4 messages per interval. Ten requests of one vote each, all at once.
    const votes = await Promise.all([17, 22, 27, 32, 37, 42, 47, 52, 57, 62].map((h) => vote(h, `c${h}`)));
    const results = await Promise.allSettled(votes.map((v) => acceptSubmissions(context(), "vote", [v])));
    const accepted = results.filter((r) => r.status === "fulfilled");
    expect(accepted).toHaveLength(4);
    for (const r of results.filter((r) => r.status === "rejected")) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "rate_limit_exceeded" });
    }
    expect(books.rows("budget")).toMatchObject([{ used: 4 }]);
    expect(queued).toHaveLength(4);
  });
});
