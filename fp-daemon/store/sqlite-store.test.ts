import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { DatabaseSync } from "node:sqlite";
import { pathToFileURL } from "node:url";
import { sha256 } from "@noble/hashes/sha2.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes, utf8ToBytes, verifyMerkleProof } from "../../src/crypto/index.ts";
import type { FpStore } from "../../src/fp-daemon/store.ts";
import { buildUnsignedCommit } from "../../src/provider/build-commit.ts";
import {
  createFinalityProviderSigner,
  DoubleSignError,
  type DoubleSignKey,
  type FinalityProviderSignerOptions,
  type StoredProof,
} from "../../src/provider/index.ts";
import {
  StoreClosedError,
  StoreInvalidInputError,
  StoreScopeMismatchError,
  StoreVersionUnsupportedError,
} from "./errors.ts";
import { openSqliteStore, SCHEMA_VERSION } from "./sqlite-store.ts";

const SCOPE = { publicKeyHex: "ab".repeat(32), bsnId: "op-test-1" };
const slot = (height: bigint): DoubleSignKey => ({ ...SCOPE, height });
const bytes = (label: string) => sha256(utf8ToBytes(label));
const vote = (label: string) => ({ blockHash: bytes(`hash ${label}`), signature: bytes(`sig ${label}`) });

/** A commit's proofs as the signer builds them, over cheap stand-in randomness (the store never checks it). */
function commitProofs(startHeight: bigint, numPubRand: bigint, interval: bigint, salt = ""): StoredProof[] {
  const heights = Array.from({ length: Number(numPubRand) }, (_, i) => startHeight + BigInt(i) * interval);
  const pubRands = heights.map((h) => bytes(`${salt}pub rand ${h}`));
  return buildUnsignedCommit({ context: "", startHeight, numPubRand, interval }, heights, pubRands).proofs;
}

let dir: string;
let file: string;
const opened: FpStore[] = [];
const children: ChildProcess[] = [];

const open = (path = file, scope = SCOPE): FpStore => {
  const store = openSqliteStore(path, scope);
  opened.push(store);
  return store;
};
/** Close, then open the same file again: what a daemon restart sees. */
const reopen = (store: FpStore): FpStore => {
  store.close();
  return open();
};
/** Reads the file directly, to check what is (not) stored. */
const rawCount = (table: string): number => {
  const db = new DatabaseSync(file);
  try {
    return Number(db.prepare(`SELECT count(*) AS n FROM ${table}`).get()?.n);
  } finally {
    db.close();
  }
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "fp-store-"));
  file = join(dir, "fp.sqlite");
});

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  for (const store of opened.splice(0)) store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("round trips and restart", () => {
  it("keeps cursor, highest voted, commits, outbox, skips, meta, proofs and claims across a reopen", async () => {
    let store = open();
    expect(store.getVoteCursor()).toBeNull();
    expect(store.getHighestVoted()).toBeNull();
    expect(store.listCommits()).toEqual([]);
    expect(store.outboxCounts()).toEqual({ unsent: 0, accepted: 0 });
    expect(store.getMeta("slashed")).toBeUndefined();

    store.setVoteCursor(16);
    store.setVoteCursor(11); // the cursor may move back (a reorg), unlike highest voted
    store.noteVoted(21);
    store.noteVoted(6);
    const commit = {
      startHeight: 1,
      numPubRand: 10,
      interval: 5,
      endHeight: 46,
      commitmentHex: "cd".repeat(32),
      state: "pending" as const,
    };
    store.saveCommit({ ...commit, startHeight: 51, endHeight: 96 });
    store.saveCommit(commit);
    store.markCommitAccepted(1);
    store.enqueue([
      { key: "vote:6", kind: "vote", height: 6, body: { height: 6, block_hash: "AAEC" } },
      { key: "commit:1", kind: "commit", height: 1, body: { start_height: 1, num_pub_rand: 10 } },
    ]);
    store.markAccepted([{ key: "vote:6", submissionId: "sub-1" }], 1_000, 5_000);
    store.markRetry(["commit:1"], 2_000);
    store.recordSkip({ height: 11, reason: "no_voting_power", detail: "power 0", at: 100 });
    store.setMeta("slashed", "false");
    const proofs = commitProofs(1n, 10n, 5n);
    await store.proofs.putMany(SCOPE, proofs);
    await store.guard.claim(slot(6n), vote("a"));

    store = reopen(store);
    expect(store.getVoteCursor()).toBe(11);
    expect(store.getHighestVoted()).toBe(21);
    expect(store.listCommits()).toEqual([
      { ...commit, state: "accepted" },
      { ...commit, startHeight: 51, endHeight: 96 },
    ]);
    expect(store.outboxCounts()).toEqual({ unsent: 1, accepted: 1 });
    expect(store.due("accepted", 5_000, 10)).toEqual([
      {
        key: "vote:6",
        kind: "vote",
        height: 6,
        body: { height: 6, block_hash: "AAEC" },
        state: "accepted",
        submissionId: "sub-1",
        attempts: 1,
        notBefore: 5_000,
        acceptedAt: 1_000,
      },
    ]);
    expect(store.due("unsent", 2_000, 10)).toEqual([
      {
        key: "commit:1",
        kind: "commit",
        height: 1,
        body: { start_height: 1, num_pub_rand: 10 },
        state: "unsent",
        submissionId: null,
        attempts: 1,
        notBefore: 2_000,
        acceptedAt: null,
      },
    ]);
    expect(store.recentSkips(10)).toEqual([
      { height: 11, reason: "no_voting_power", detail: "power 0", at: 100 },
    ]);
    expect(store.getMeta("slashed")).toBe("false");
    for (const proof of proofs) expect(await store.proofs.get(SCOPE, proof.height)).toEqual(proof);
    expect(await store.proofs.get(SCOPE, 2n)).toBeUndefined();
    expect(await store.guard.get(slot(6n))).toEqual(vote("a"));
    expect(await store.guard.get(slot(11n))).toBeUndefined();
  });

  it("returns a proof equal to the stored one, as plain Uint8Arrays and bigints, that still verifies", async () => {
    const store = open();
    const [proof] = commitProofs(7n, 1n, 1n); // a one-leaf tree: no aunts
    const many = commitProofs(100n, 33n, 2n);
    await store.proofs.putMany(SCOPE, [proof as StoredProof, ...many]);
    const single = await store.proofs.get(SCOPE, 7n);
    expect(single).toEqual(proof);
    expect(single?.proof.aunts).toEqual([]);
    const last = many[32] as StoredProof;
    const got = await store.proofs.get(SCOPE, last.height);
    expect(got).toEqual(last);
    expect(Object.getPrototypeOf(got?.commit.commitment)).toBe(Uint8Array.prototype);
    expect(typeof got?.commit.startHeight).toBe("bigint");
    expect(
      verifyMerkleProof(
        got?.proof as StoredProof["proof"],
        last.commit.commitment,
        bytes(`pub rand ${last.height}`),
      ),
    ).toBe(true);
  });

  it("lets a later commit over the same height overwrite the earlier proof", async () => {
    const store = open();
    await store.proofs.putMany(SCOPE, commitProofs(1n, 10n, 1n, "first "));
    const later = commitProofs(5n, 10n, 1n, "second ");
    await store.proofs.putMany(SCOPE, later);
    expect(await store.proofs.get(SCOPE, 5n)).toEqual(later[0]);
    expect((await store.proofs.get(SCOPE, 4n))?.commit.startHeight).toBe(1n);
    expect(rawCount("proofs")).toBe(14);
  });

  it("overwrites a commit record saved again and forgets a removed one", () => {
    const store = open();
    const record = {
      startHeight: 1,
      numPubRand: 10,
      interval: 1,
      endHeight: 10,
      commitmentHex: "aa".repeat(32),
      state: "pending" as const,
    };
    store.saveCommit(record);
    store.saveCommit({ ...record, commitmentHex: "bb".repeat(32), state: "accepted" });
    store.saveCommit({ ...record, startHeight: 11, endHeight: 20 });
    expect(store.listCommits()).toEqual([
      { ...record, commitmentHex: "bb".repeat(32), state: "accepted" },
      { ...record, startHeight: 11, endHeight: 20 },
    ]);
    store.removeCommit(1);
    store.removeCommit(99);
    expect(
      reopen(store)
        .listCommits()
        .map((c) => c.startHeight),
    ).toEqual([11]);
  });

  it("never lowers the highest voted height", () => {
    let store = open();
    store.noteVoted(10);
    store.noteVoted(3);
    expect(store.getHighestVoted()).toBe(10);
    store.noteVoted(15);
    store = reopen(store);
    store.noteVoted(12);
    expect(store.getHighestVoted()).toBe(15);
  });

  it("overwrites meta values", () => {
    const store = open();
    store.setMeta("fingerprint", "a");
    store.setMeta("fingerprint", "b");
    expect(store.getMeta("fingerprint")).toBe("b");
  });
});

describe("outbox", () => {
  const entry = (kind: "commit" | "vote", height: number) => ({
    key: `${kind}:${height}`,
    kind,
    height,
    body: { kind, height },
  });

  it("adds only new keys and leaves existing entries as they are", () => {
    const store = open();
    store.enqueue([entry("vote", 6)]);
    store.markAccepted([{ key: "vote:6", submissionId: "s1" }], 10, 20);
    store.enqueue([{ ...entry("vote", 6), body: { changed: true } }, entry("vote", 11)]);
    expect(store.outboxCounts()).toEqual({ unsent: 1, accepted: 1 });
    expect(store.due("accepted", 20, 10)).toMatchObject([
      { key: "vote:6", body: { kind: "vote", height: 6 } },
    ]);
  });

  it("is due by notBefore: commits first, then by height, at most limit", () => {
    const store = open();
    store.enqueue([
      entry("vote", 21),
      entry("vote", 6),
      entry("commit", 51),
      entry("vote", 11),
      entry("commit", 1),
    ]);
    store.markRetry(["vote:11"], 500);
    expect(store.due("unsent", 0, 10).map((e) => e.key)).toEqual([
      "commit:1",
      "commit:51",
      "vote:6",
      "vote:21",
    ]);
    expect(store.due("unsent", 500, 10).map((e) => e.key)).toEqual([
      "commit:1",
      "commit:51",
      "vote:6",
      "vote:11",
      "vote:21",
    ]);
    expect(store.due("unsent", 500, 3).map((e) => e.key)).toEqual(["commit:1", "commit:51", "vote:6"]);
    expect(store.due("accepted", 500, 10)).toEqual([]);
  });

  it("accepts, retries and settles", () => {
    const store = open();
    store.enqueue([entry("vote", 6), entry("vote", 11)]);
    store.markAccepted(
      [
        { key: "vote:6", submissionId: "s6" },
        { key: "vote:11", submissionId: null },
      ],
      1_000,
      4_000,
    );
    expect(store.due("accepted", 3_999, 10)).toEqual([]);
    expect(store.due("accepted", 4_000, 10)).toMatchObject([
      { key: "vote:6", submissionId: "s6", attempts: 1, notBefore: 4_000, acceptedAt: 1_000 },
      { key: "vote:11", submissionId: null, attempts: 1, notBefore: 4_000, acceptedAt: 1_000 },
    ]);
    // Not seen on Babylon in time: sent again later; the first acceptance time stays.
    store.markRetry(["vote:6"], 6_000);
    expect(store.outboxCounts()).toEqual({ unsent: 1, accepted: 1 });
    expect(store.due("unsent", 6_000, 10)).toMatchObject([{ key: "vote:6", state: "unsent", attempts: 2 }]);
    store.markAccepted([{ key: "vote:6", submissionId: "s6b" }], 7_000, 9_000);
    expect(store.due("accepted", 9_000, 10)).toMatchObject([
      { key: "vote:6", submissionId: "s6b", attempts: 3, acceptedAt: 1_000 },
      { key: "vote:11" },
    ]);
    // Still pending on Babylon: asked after later, attempts unchanged; an unsent entry is not touched.
    store.enqueue([entry("vote", 16)]);
    store.deferCheck(["vote:6", "vote:16"], 12_000);
    expect(store.due("accepted", 11_999, 10).map((e) => e.key)).toEqual(["vote:11"]);
    expect(store.due("accepted", 12_000, 10)).toMatchObject([
      { key: "vote:6", attempts: 3, notBefore: 12_000 },
      { key: "vote:11" },
    ]);
    expect(store.due("unsent", 0, 10)).toMatchObject([{ key: "vote:16", notBefore: 0 }]);
    store.settle(["vote:6", "vote:11", "vote:16", "vote:99"]);
    expect(store.outboxCounts()).toEqual({ unsent: 0, accepted: 0 });
  });

  it("refuses a key that does not name its kind and height", () => {
    const store = open();
    expect(() => store.enqueue([{ ...entry("vote", 6), key: "vote:7" }])).toThrow(StoreInvalidInputError);
    expect(() => store.enqueue([entry("vote", 6), { ...entry("commit", 1), key: "c1" }])).toThrow(
      StoreInvalidInputError,
    );
    expect(store.outboxCounts()).toEqual({ unsent: 0, accepted: 0 });
  });
});

describe("double-sign guard", () => {
  it("keeps the first vote: a second claim with another hash gets the first back", async () => {
    const store = open();
    expect(await store.guard.claim(slot(6n), vote("a"))).toEqual(vote("a"));
    expect(await store.guard.claim(slot(6n), vote("b"))).toEqual(vote("a"));
    expect(await store.guard.get(slot(6n))).toEqual(vote("a"));
    expect(await store.guard.claim(slot(11n), vote("b"))).toEqual(vote("b"));
  });

  it("serves one scope: keys of another key or BSN are refused", async () => {
    const store = open();
    await expect(store.guard.claim({ ...slot(6n), bsnId: "other" }, vote("a"))).rejects.toBeInstanceOf(
      StoreScopeMismatchError,
    );
    await expect(store.guard.get({ ...slot(6n), publicKeyHex: "cd".repeat(32) })).rejects.toMatchObject({
      code: "store_scope_mismatch",
    });
    await expect(store.proofs.putMany({ ...SCOPE, bsnId: "other" }, [])).rejects.toMatchObject({
      code: "store_scope_mismatch",
    });
    await expect(store.proofs.get({ ...SCOPE, bsnId: "other" }, 1n)).rejects.toBeInstanceOf(
      StoreScopeMismatchError,
    );
  });

  it("refuses heights SQLite cannot keep exactly", async () => {
    const store = open();
    await expect(store.guard.claim(slot(1n << 63n), vote("a"))).rejects.toMatchObject({
      code: "store_invalid_input",
    });
    await expect(store.guard.claim(slot((1n << 63n) - 1n), vote("a"))).resolves.toEqual(vote("a"));
  });

  it("two connections on one file: one claim wins and both see it", async () => {
    // One thread runs the two synchronous inserts one after the other; the processes below really race.
    const a = open();
    const b = open();
    const [fromA, fromB] = await Promise.all([
      a.guard.claim(slot(6n), vote("a")),
      b.guard.claim(slot(6n), vote("b")),
    ]);
    expect(fromB).toEqual(fromA);
    expect(await a.guard.get(slot(6n))).toEqual(fromA);
    expect(await b.guard.get(slot(6n))).toEqual(fromA);
  });
});

/**
 * A child process on the store module itself (Node 22.18+ strips the types of the `.ts` sources: the store's
 * runtime imports are errors.ts and src/errors/base.ts, plain TypeScript with nothing to bundle).
 * `race`: opens, says `ready`, claims on `go`, prints the slot's vote. `hold`: claims, prints it, and waits to be killed.
 */
const CHILD = `
import { createInterface } from "node:readline";
const [storeUrl, path, publicKeyHex, bsnId, height, label, mode] = process.argv.slice(2);
const { openSqliteStore } = await import(storeUrl);
const store = openSqliteStore(path, { publicKeyHex, bsnId });
const hex = (b) => Buffer.from(b).toString("hex");
const bytes = (s) => new Uint8Array(Buffer.from(s, "hex"));
const [hash, sig] = label.split(",");
const claim = () => store.guard.claim({ publicKeyHex, bsnId, height: BigInt(height) }, { blockHash: bytes(hash), signature: bytes(sig) });
if (mode === "hold") {
  const won = await claim();
  process.stdout.write("claimed " + hex(won.blockHash) + "\\n");
  setInterval(() => {}, 60_000);
} else {
  process.stdout.write("ready\\n");
  for await (const line of createInterface({ input: process.stdin })) {
    if (line !== "go") continue;
    const won = await claim();
    process.stdout.write(JSON.stringify({ blockHash: hex(won.blockHash), signature: hex(won.signature) }) + "\\n");
    store.close();
    process.exit(0);
  }
}
`;

function startChild(height: bigint, label: string, mode: "race" | "hold") {
  const script = join(dir, "claim-child.mjs");
  writeFileSync(script, CHILD);
  const v = vote(label);
  const child = spawn(
    process.execPath,
    [
      "--disable-warning=ExperimentalWarning",
      script,
      pathToFileURL(join(import.meta.dirname, "sqlite-store.ts")).href,
      file,
      SCOPE.publicKeyHex,
      SCOPE.bsnId,
      String(height),
      `${bytesToHex(v.blockHash)},${bytesToHex(v.signature)}`,
      mode,
    ],
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  children.push(child);
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  const nextLine = async (): Promise<string> => {
    const next = await lines.next();
    if (next.done) throw new Error(`child ${label} ended without output (exit ${child.exitCode}): ${stderr}`);
    return next.value;
  };
  return { child, vote: v, nextLine };
}

describe("across processes", () => {
  it("four processes claim one slot of a fresh file at once: exactly one hash wins, all see it", async () => {
    const racers = ["p1", "p2", "p3", "p4"].map((label) => startChild(6n, label, "race"));
    // All have opened (and raced the schema migration of the fresh file) before any claims.
    for (const racer of racers) expect(await racer.nextLine()).toBe("ready");
    for (const racer of racers) racer.child.stdin?.write("go\n");
    const seen = await Promise.all(racers.map(async (racer) => JSON.parse(await racer.nextLine())));

    const winner = seen[0];
    for (const answer of seen) expect(answer).toEqual(winner);
    const winners = racers.filter((racer) => bytesToHex(racer.vote.blockHash) === winner.blockHash);
    expect(winners).toHaveLength(1);
    expect(winner.signature).toBe(bytesToHex(winners[0]?.vote.signature as Uint8Array));
    const store = open();
    expect(await store.guard.get(slot(6n))).toEqual({
      blockHash: hexToBytes(winner.blockHash),
      signature: hexToBytes(winner.signature),
    });
  });

  it("a claim survives SIGKILL right after claim returns", async () => {
    open().close(); // the file exists with its schema; the child only claims
    const holder = startChild(11n, "held", "hold");
    expect(await holder.nextLine()).toBe(`claimed ${bytesToHex(holder.vote.blockHash)}`);
    const exited = new Promise((resolve) => holder.child.once("exit", (_code, signal) => resolve(signal)));
    holder.child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    const store = open();
    expect(await store.guard.get(slot(11n))).toEqual(holder.vote);
    expect(await store.guard.claim(slot(11n), vote("later"))).toEqual(holder.vote);
  });
});

describe("with the signer", () => {
  const signerOptions = (store?: FpStore): FinalityProviderSignerOptions => ({
    secretKey: new Uint8Array(32).fill(0x11),
    bsnId: SCOPE.bsnId,
    babylonChainId: "bbn-test-5",
    contractAddress: "bbn1finalitycontractaddressfortests",
    bsnActivationHeight: 1,
    finalitySignatureInterval: 5,
    proofStore: store?.proofs,
    doubleSignGuard: store?.guard,
  });
  const blockHash = (label: string) => bytes(`block ${label}`);

  it("signs from a commit made before a restart and refuses a second hash voted before it", async () => {
    const publicKeyHex = createFinalityProviderSigner(signerOptions()).publicKeyHex;
    const scope = { publicKeyHex, bsnId: SCOPE.bsnId };
    let store = open(file, scope);
    const before = createFinalityProviderSigner(signerOptions(store));
    await before.commitPublicRandomness({ startHeight: 1, numPubRand: 50 });
    const voted = await before.submitFinalitySignature({ height: 6, blockHash: blockHash("6") });

    store.close();
    store = open(file, scope);
    const after = createFinalityProviderSigner(signerOptions(store));
    // Height 246 = 1 + 49·5, the commit's last: its proof came from disk.
    const fresh = await after.submitFinalitySignature({ height: 246, blockHash: blockHash("246") });
    expect(fresh.submit_finality_signature.height).toBe(246);
    expect(await after.submitFinalitySignature({ height: 6, blockHash: blockHash("6") })).toEqual(voted);
    await expect(
      after.submitFinalitySignature({ height: 6, blockHash: blockHash("other") }),
    ).rejects.toBeInstanceOf(DoubleSignError);
    await expect(
      after.submitFinalitySignature({ height: 251, blockHash: blockHash("251") }),
    ).rejects.toMatchObject({
      code: "height_not_committed",
    });
    expect(bytesToHex((await store.guard.get({ ...scope, height: 6n }))?.blockHash as Uint8Array)).toBe(
      bytesToHex(blockHash("6")),
    );
  });
});

describe("a 50,000-height commit", () => {
  it("stores the commitment once and reads any height back", async () => {
    const proofs = commitProofs(1_000n, 50_000n, 1n);
    const store = open();
    const started = performance.now();
    await store.proofs.putMany(SCOPE, proofs);
    const putMs = performance.now() - started;
    for (const i of [0, 1, 25_000, 49_999]) {
      const proof = proofs[i] as StoredProof;
      expect(await store.proofs.get(SCOPE, proof.height)).toEqual(proof);
    }
    const readStarted = performance.now();
    for (let i = 0; i < 1_000; i++) await store.proofs.get(SCOPE, 1_000n + BigInt(i * 50));
    const readMs = performance.now() - readStarted;
    store.close();
    expect(rawCount("proof_commits")).toBe(1);
    expect(rawCount("proofs")).toBe(50_000);
    const bytesOnDisk = statSync(file).size;
    console.log(
      `50,000-height commit: putMany ${putMs.toFixed(0)} ms, 1,000 gets ${readMs.toFixed(0)} ms, ` +
        `file ${(bytesOnDisk / 2 ** 20).toFixed(1)} MiB after close`,
    );
  });
});

describe("prune", () => {
  it("removes proofs below the height and commits ending below it, keeps the newest 1,000 skips", async () => {
    const store = open();
    await store.proofs.putMany(SCOPE, commitProofs(1n, 10n, 1n)); // 1…10
    await store.proofs.putMany(SCOPE, commitProofs(11n, 10n, 1n, "b")); // 11…20
    const commit = (start: number) => ({
      startHeight: start,
      numPubRand: 10,
      interval: 1,
      endHeight: start + 9,
      commitmentHex: "00".repeat(32),
      state: "accepted" as const,
    });
    store.saveCommit(commit(1));
    store.saveCommit(commit(11));
    await store.guard.claim(slot(3n), vote("a"));
    store.enqueue([{ key: "vote:3", kind: "vote", height: 3, body: {} }]);
    for (let i = 0; i < 1_005; i++) store.recordSkip({ height: i, reason: "r", detail: "", at: 1_000 + i });

    expect(store.prune(15)).toBe(14);
    expect(await store.proofs.get(SCOPE, 14n)).toBeUndefined();
    expect(await store.proofs.get(SCOPE, 15n)).toBeDefined();
    expect(rawCount("proof_commits")).toBe(1); // the first commit's row has no proofs left
    expect(store.listCommits().map((c) => c.startHeight)).toEqual([11]);
    const skips = store.recentSkips(2_000);
    expect(skips).toHaveLength(1_000);
    expect(skips[0]?.height).toBe(1_004);
    expect(skips.at(-1)?.height).toBe(5);
    // Never pruned: the double-sign record and the outbox.
    expect(await store.guard.get(slot(3n))).toEqual(vote("a"));
    expect(store.outboxCounts().unsent).toBe(1);
    expect(store.prune(15)).toBe(0);
    // A commit ending exactly at the height is kept: end < height goes.
    expect(store.prune(20)).toBe(5);
    expect(store.listCommits().map((c) => c.startHeight)).toEqual([11]);
  });
});

describe("opening", () => {
  it("refuses a file made for another key or BSN", () => {
    open().close();
    expect(() => open(file, { ...SCOPE, bsnId: "op-test-2" })).toThrow(StoreScopeMismatchError);
    try {
      open(file, { ...SCOPE, publicKeyHex: "cd".repeat(32) });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: "store_scope_mismatch", field: "scope" });
      expect((error as StoreScopeMismatchError).expected).toEqual(SCOPE);
    }
    expect(open().getVoteCursor()).toBeNull();
  });

  it("refuses a file of a newer schema version, naming both versions", () => {
    open().close();
    const db = new DatabaseSync(file);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    try {
      open();
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(StoreVersionUnsupportedError);
      expect(error).toMatchObject({
        code: "store_version_unsupported",
        found: SCHEMA_VERSION + 1,
        supported: SCHEMA_VERSION,
      });
    }
  });

  it("puts the file in WAL mode at the current schema version", () => {
    open();
    const db = new DatabaseSync(file);
    try {
      expect(db.prepare("PRAGMA journal_mode").get()?.journal_mode).toBe("wal");
      expect(Number(db.prepare("PRAGMA user_version").get()?.user_version)).toBe(SCHEMA_VERSION);
    } finally {
      db.close();
    }
  });

  it("throws a typed error after close; close is idempotent", async () => {
    const store = open();
    store.close();
    store.close();
    expect(() => store.getVoteCursor()).toThrow(StoreClosedError);
    expect(() => store.setMeta("a", "b")).toThrow(StoreClosedError);
    expect(() => store.prune(1)).toThrow(StoreClosedError);
    await expect(store.guard.claim(slot(6n), vote("a"))).rejects.toMatchObject({ code: "store_closed" });
    await expect(store.proofs.get(SCOPE, 1n)).rejects.toBeInstanceOf(StoreClosedError);
  });
});
