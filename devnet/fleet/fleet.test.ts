// The FP fleet against a small fake edge (the real submission verification over an in-memory chain state), a
// real in-process Babylon emulator for the FPs' own reads, and a real anvil L2. The tests share one run and go
// in order: fresh start, offline and catch-up, equivocation, restart.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toProblem } from "../../src/api/problem.ts";
import { ContractRuleError } from "../../src/contract-rules/index.ts";
import { bytesToHex, hexToBytes, xOnlyPublicKey } from "../../src/crypto/index.ts";
import { createL2Client, getBlockRef } from "../../src/l2/index.ts";
import { submissionId } from "../../src/submission/submission-id.ts";
import type { SubmissionChainState } from "../../src/submission/types.ts";
import { verifyCommitSubmission } from "../../src/submission/verify-commit.ts";
import { verifyVoteSubmission } from "../../src/submission/verify-vote.ts";
import { type FakeChain, fakeChain, fakeChainState } from "../../test/support/fake-submission-chain.ts";
import { defaultGenesis } from "../babylon/genesis-load.ts";
import { type BabylonChain, startBabylonChain } from "../babylon/index.ts";
import { haveAnvil, mineBlocks, type Running, startAnvil } from "../processes.ts";
import {
  babylonChainReader,
  type Fleet,
  type FleetChainReader,
  type FleetOptions,
  startFleet,
} from "./fleet.ts";

const CHAIN = "edge-devnet-l2";
const genesis = defaultGenesis();
const consumer = genesis.consumers[0];
if (!consumer) throw new Error("the default genesis has no consumer");
const FPS = consumer.finalityProviders.map((fp) => ({
  name: fp.account,
  btcSecretKeyHex: fp.btcSecretKeyHex,
}));

// ---------------------------------------------------------------------------------------------
// A fake edge: the real verify functions over an in-memory chain, answering like the Worker does.

type EdgeVote = { fp: string; height: number; blockHash: string; id: string; equivocation: boolean };
type EdgeCommit = { fp: string; start: number; num: number; id: string };
type Injected = { status: number; code: string; field?: string; retryAfter?: number };

type FakeEdge = {
  url: string;
  chain: FakeChain;
  votes: EdgeVote[];
  commits: EdgeCommit[];
  /** Every vote request: the FP (by key), its heights and the answer's status. */
  voteRequests: { fp: string; heights: number[]; status: number }[];
  /** Ids answered 202/200, in order. */
  ids: string[];
  /** A canned answer instead of verification, for the next matching request. */
  inject?: (fp: string, heights: number[]) => Injected | undefined;
  close(): Promise<void>;
};

type Answer = { status: number; body: unknown; headers?: Record<string, string> };

function injectedAnswer({ retryAfter, ...problem }: Injected): Answer {
  const headers: Record<string, string> = retryAfter ? { "retry-after": String(retryAfter) } : {};
  return { status: problem.status, body: { type: "about:blank", title: problem.code, ...problem }, headers };
}

/** The edge's problem, with the message's index in front of its field when the request held several. */
function problemAnswer(error: unknown, index: number, many: boolean): Answer {
  const problem = toProblem(error);
  if (error instanceof ContractRuleError && many) {
    problem.field = `[${index}]${problem.field ? `.${problem.field}` : ""}`;
  }
  return { status: problem.status, body: problem };
}

async function startFakeEdge(options: {
  babylonChainId: string;
  contractAddress: string;
}): Promise<FakeEdge> {
  const chain = fakeChain({
    config: {
      bsnId: consumer?.bsnId as string,
      bsnActivationHeight: 1n,
      finalitySignatureInterval: 1n,
      minPubRand: 10n,
      rateLimiting: { maxMsgsPerInterval: 1000, blockInterval: 10n },
    },
    // Commits are recorded in epoch 1; the first two vote requests see epoch 0 as the last finalized one.
    lastFinalizedEpoch: 1n,
  });
  for (const fp of FPS) {
    const key = bytesToHex(xOnlyPublicKey(hexToBytes(fp.btcSecretKeyHex)));
    chain.allowlist.add(key);
    chain.fps.set(key, { bsnId: chain.config.bsnId, slashedBabylonHeight: 0n, slashedBtcHeight: 0n });
  }
  const edge: FakeEdge = {
    url: "",
    chain,
    votes: [],
    commits: [],
    voteRequests: [],
    ids: [],
    close: async () => {},
  };
  let voteRequestCount = 0;

  async function commits(messages: Record<string, unknown>[]): Promise<Answer> {
    const answers = [];
    for (const [i, msg] of messages.entries()) {
      const id = submissionId(CHAIN, "commit", [
        String(msg.fp_pubkey_hex).toLowerCase(),
        String(msg.start_height),
        String(msg.num_pub_rand),
        String(msg.commitment),
        String(msg.signature),
      ]);
      if (edge.commits.some((c) => c.id === id)) {
        answers.push({ id, status: "duplicate", equivocation: false });
        continue;
      }
      try {
        const checked = await verifyCommitSubmission(msg, fakeChainState(chain), options);
        const fp = bytesToHex(checked.fpPubkey);
        const stored = { ...checked, babylonEpoch: 1n };
        chain.commits.set(fp, [...(chain.commits.get(fp) ?? []), stored]);
        edge.commits.push({ fp, start: Number(checked.startHeight), num: Number(checked.numPubRand), id });
        answers.push({ id, status: "queued", equivocation: false });
      } catch (error) {
        return problemAnswer(error, i, messages.length > 1);
      }
    }
    return accepted(answers);
  }

  async function votes(messages: Record<string, unknown>[]): Promise<Answer> {
    const fp = String(messages[0]?.fp_pubkey_hex);
    const heights = messages.map((m) => Number(m.height));
    voteRequestCount += 1;
    const injected = edge.inject?.(fp, heights);
    const answer = injected ? injectedAnswer(injected) : await verifyVotes(messages, voteRequestCount <= 2);
    edge.voteRequests.push({ fp, heights, status: answer.status });
    return answer;
  }

  async function verifyVotes(messages: Record<string, unknown>[], epochNotFinal: boolean): Promise<Answer> {
    const base = fakeChainState(chain);
    const state: SubmissionChainState = epochNotFinal
      ? { ...base, lastFinalizedEpoch: async () => 0n }
      : base;
    const verified = [];
    for (const [i, msg] of messages.entries()) {
      try {
        verified.push(await verifyVoteSubmission(msg, state, options));
      } catch (error) {
        return problemAnswer(error, i, messages.length > 1);
      }
    }
    // All-or-nothing, as the edge: record only once every message passed.
    const answers = verified.map(({ checked, outcome }) => {
      const fp = bytesToHex(checked.fpPubkey);
      const blockHash = bytesToHex(checked.blockHash);
      const id = submissionId(CHAIN, "vote", [
        fp,
        `${checked.height}`,
        blockHash,
        bytesToHex(checked.signature),
      ]);
      if (outcome === "duplicate") return { id, status: "duplicate", equivocation: false };
      const key = `${fp}/${checked.height}`;
      chain.votes.set(key, [...(chain.votes.get(key) ?? []), checked]);
      const equivocation = outcome === "equivocation";
      edge.votes.push({ fp, height: Number(checked.height), blockHash, id, equivocation });
      return { id, status: "queued", equivocation };
    });
    return accepted(answers);
  }

  function accepted(answers: { id: string; status: string; equivocation: boolean }[]): Answer {
    edge.ids.push(...answers.map((a) => a.id));
    const allDuplicates = answers.every((a) => a.status === "duplicate");
    return { status: allDuplicates ? 200 : 202, body: { submissions: answers } };
  }

  const server: Server = createServer((request, response) => {
    let text = "";
    request.on("data", (chunk: Buffer) => {
      text += chunk.toString();
    });
    request.on("end", async () => {
      const kind = /^\/v1\/chains\/[^/]+\/(public-randomness|finality-signatures)$/.exec(
        request.url ?? "",
      )?.[1];
      let answer: Answer;
      try {
        const parsed = JSON.parse(text) as unknown;
        const messages = (Array.isArray(parsed) ? parsed : [parsed]) as Record<string, unknown>[];
        if (request.method !== "POST" || kind === undefined)
          answer = { status: 404, body: { code: "not_found" } };
        else answer = kind === "public-randomness" ? await commits(messages) : await votes(messages);
      } catch (error) {
        answer = { status: 500, body: { code: "internal_error", detail: String(error) } };
      }
      const type = answer.status >= 400 ? "application/problem+json" : "application/json";
      response.writeHead(answer.status, { "content-type": type, ...answer.headers });
      response.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  edge.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  edge.close = () => new Promise((resolve) => server.close(() => resolve()));
  return edge;
}

// ---------------------------------------------------------------------------------------------

async function waitFor(
  what: string,
  condition: () => boolean,
  describeState: () => unknown,
  timeoutMs = 15_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(describeState())}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

if (!haveAnvil)
  console.warn("fleet tests skipped: no anvil binary (@foundry-rs/anvil-linux-amd64) on this machine");

describe.skipIf(!haveAnvil)("FP fleet through a fake edge", () => {
  let babylon: BabylonChain;
  let anvil: Running;
  let edge: FakeEdge;
  let fleet: Fleet;
  let fleetOptions: FleetOptions;
  const pkOf = new Map<string, string>();
  const lines: string[] = [];

  const statusOf = (name: string) => fleet.status().find((s) => s.fp === name);
  const lastVoted = (name: string) => statusOf(name)?.lastVoted ?? 0;
  const honestHeights = (name: string) =>
    edge.votes
      .filter((v) => v.fp === pkOf.get(name) && !v.equivocation)
      .map((v) => v.height)
      .sort((a, b) => a - b);
  const waitVoted = (names: string[], height: number) =>
    waitFor(
      `${names.join(",")} to vote ${height}`,
      () => names.every((n) => lastVoted(n) >= height),
      () => ({ status: fleet.status(), log: lines.slice(-10) }),
    );

  beforeAll(async () => {
    babylon = await startBabylonChain({
      genesis,
      port: 0,
      timing: { blockMs: 100, btcBlockMs: 2000, epochBlocks: 5, finalizeDelay: 2 },
      log: () => {},
    });
    anvil = await startAnvil(0);
    const contract = babylon.contracts[0];
    if (!contract) throw new Error("emulator without a contract");
    edge = await startFakeEdge({ babylonChainId: babylon.chainId, contractAddress: contract.address });
    fleetOptions = {
      chain: CHAIN,
      edgeUrl: edge.url,
      l2RpcUrl: anvil.url,
      babylonRpcUrl: babylon.rpcUrl,
      babylonChainId: babylon.chainId,
      contractAddress: contract.address,
      bsnId: contract.bsnId,
      fps: FPS,
      pollMs: 50,
      retryMs: 100,
      maxBackoffMs: 1_500,
      log: (line) => lines.push(line),
    };
  });
  afterAll(async () => {
    await fleet?.stop();
    await edge?.close();
    await anvil?.stop();
    await babylon?.stop();
  });

  it("commits once per FP and votes every height exactly once, after two not-yet-timestamped answers", async () => {
    fleet = await startFleet(fleetOptions);
    for (const s of fleet.status()) pkOf.set(s.fp, s.btcPk);
    await mineBlocks(anvil.url, 12);
    await waitVoted(
      FPS.map((f) => f.name),
      12,
    );
    await mineBlocks(anvil.url, 8);
    await waitVoted(
      FPS.map((f) => f.name),
      20,
    );

    const l2 = createL2Client(anvil.url, { cacheTime: 0 });
    const canonical = await Promise.all(
      range(1, 20).map(async (h) => (await getBlockRef(l2, h)).hash.slice(2)),
    );
    for (const { name } of FPS) {
      const pk = pkOf.get(name);
      expect(edge.commits.filter((c) => c.fp === pk).map((c) => [c.start, c.num])).toEqual([[1, 300]]);
      expect(honestHeights(name)).toEqual(range(1, 20));
      const hashes = edge.votes.filter((v) => v.fp === pk).map((v) => v.blockHash);
      expect(hashes).toEqual(canonical);
      expect(statusOf(name)).toMatchObject({
        online: true,
        lastVoted: 20,
        committedTo: 300,
        lastError: null,
      });
      expect(statusOf(name)?.refused).toEqual({});
    }
    // The edge refused exactly the first two vote requests; those FPs retried the same heights.
    expect(edge.voteRequests.slice(0, 2).map((r) => r.status)).toEqual([422, 422]);
    const retried = fleet.status().map((s) => s.retried?.pub_rand_commit_not_btc_timestamped ?? 0);
    expect(retried.reduce((a, b) => a + b, 0)).toBe(2);
  });

  it("an offline FP votes nothing, then catches up in batches of 25 through a 503", async () => {
    fleet.setOnline("fp-2", false);
    await mineBlocks(anvil.url, 30);
    await waitVoted(["fp-1", "fp-3", "fp-4"], 50);
    expect(honestHeights("fp-2")).toEqual(range(1, 20));
    expect(statusOf("fp-2")).toMatchObject({ online: false, lastVoted: 20 });

    const before = edge.voteRequests.length;
    let unavailable = 1;
    edge.inject = (fp) =>
      fp === pkOf.get("fp-2") && unavailable-- > 0
        ? { status: 503, code: "upstream_unavailable", retryAfter: 1 }
        : undefined;
    fleet.setOnline("fp-2", true);
    await waitVoted(["fp-2"], 50);
    edge.inject = undefined;

    expect(honestHeights("fp-2")).toEqual(range(1, 50));
    const catchUp = edge.voteRequests.slice(before).filter((r) => r.fp === pkOf.get("fp-2"));
    expect(catchUp.map((r) => [r.status, r.heights.length, r.heights[0]])).toEqual([
      [503, 25, 21],
      [202, 25, 21],
      [202, 5, 46],
    ]);
    expect(statusOf("fp-2")?.retried?.upstream_unavailable).toBe(1);
  });

  it("equivocates once on request: a second valid vote at the next height, seen as equivocation", async () => {
    const equivocated = fleet.equivocateOnce("fp-3");
    await mineBlocks(anvil.url, 1);
    const { height, submissionId: id } = await equivocated;
    expect(height).toBe(51);
    const atHeight = edge.votes.filter((v) => v.fp === pkOf.get("fp-3") && v.height === 51);
    expect(atHeight.map((v) => v.equivocation)).toEqual([false, true]);
    expect(atHeight[1]?.id).toBe(id);
    expect(atHeight[1]?.blockHash).not.toBe(atHeight[0]?.blockHash);
    expect(fleet.acceptedIds()).toContain(id);
    await waitVoted(["fp-1", "fp-2", "fp-4"], 51);
  });

  it("stops with every accepted id recorded; a restarted fleet resumes from Babylon's view without re-voting", async () => {
    const started = Date.now();
    await fleet.stop();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect([...fleet.acceptedIds()].sort()).toEqual([...edge.ids].sort());
    const idsBefore = edge.ids.length;

    // The contract's view, as the fake edge recorded it; fp-4's commitment is not what its key derives.
    const emulator = babylonChainReader(babylon.rpcUrl, fleetOptions.contractAddress);
    const reader: FleetChainReader = {
      config: emulator.config,
      async lastCommit(pk) {
        const last = edge.chain.commits.get(pk)?.at(-1);
        if (!last) return null;
        const commitment = Uint8Array.from(last.commitment);
        if (pk === pkOf.get("fp-4")) commitment[0] = (commitment[0] ?? 0) ^ 1;
        return { startHeight: 1, numPubRand: Number(last.numPubRand), interval: 1, commitment };
      },
      async highestVotedHeight(pk) {
        const heights = edge.votes.filter((v) => v.fp === pk).map((v) => v.height);
        return heights.length === 0 ? null : Math.max(...heights);
      },
    };
    const requestsBefore = edge.voteRequests.length;
    edge.inject = (fp, heights) => {
      const at = heights.indexOf(54);
      return fp === pkOf.get("fp-1") && at >= 0
        ? { status: 422, code: "eots_error", field: `[${at}].signature`, detail: "injected" }
        : undefined;
    };
    fleet = await startFleet({ ...fleetOptions, chainReader: reader });
    await mineBlocks(anvil.url, 5);
    await waitVoted(["fp-1", "fp-2", "fp-3"], 56);
    await waitFor(
      "fp-4's fresh commit",
      () => edge.commits.filter((c) => c.fp === pkOf.get("fp-4")).length === 2,
      () => fleet.status(),
    );
    edge.inject = undefined;

    const resumed = edge.voteRequests.slice(requestsBefore);
    expect(Math.min(...resumed.flatMap((r) => r.heights))).toBe(52);
    expect(honestHeights("fp-1")).toEqual([...range(1, 53), 55, 56]);
    expect(statusOf("fp-1")?.refused).toEqual({ eots_error: 1 });
    expect(honestHeights("fp-2")).toEqual(range(1, 56));
    expect(honestHeights("fp-3")).toEqual(range(1, 56));
    // fp-1…fp-3 rebuilt their commit's proofs (the fake edge verified votes against it) and committed nothing new.
    for (const name of ["fp-1", "fp-2", "fp-3"]) {
      expect(edge.commits.filter((c) => c.fp === pkOf.get(name))).toHaveLength(1);
    }
    // fp-4 could not rebuild its commit: it committed a fresh range after it and votes from there.
    expect(edge.commits.filter((c) => c.fp === pkOf.get("fp-4")).map((c) => [c.start, c.num])).toEqual([
      [1, 300],
      [301, 300],
    ]);
    expect(honestHeights("fp-4")).toEqual(range(1, 51));
    expect(statusOf("fp-4")).toMatchObject({ committedTo: 600 });
    expect(statusOf("fp-4")?.refused).toEqual({});
    expect(lines.some((l) => l.startsWith("fp-4:") && l.includes("not this key's randomness"))).toBe(true);

    await fleet.stop();
    expect([...fleet.acceptedIds()].sort()).toEqual([...edge.ids.slice(idsBefore)].sort());
  });
});
