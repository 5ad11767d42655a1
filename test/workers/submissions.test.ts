import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import genesisJson from "../../devnet/babylon/genesis.default.json";
import { createApp } from "../../src/api/app.ts";
import { CHAINS_CONFIG_KEY } from "../../src/cache/keys.ts";
import { base64ToBytes, bytesToBase64, hexToBytes } from "../../src/crypto/index.ts";
import {
  createFinalityProviderSigner,
  createMemoryDoubleSignGuard,
  createMemoryProofStore,
  type FinalityProviderSigner,
  type FinalityProviderSignerOptions,
} from "../../src/provider/index.ts";
import { submissionId } from "../../src/submission/submission-id.ts";
import type { QueuedSubmission } from "../../src/submission/types.ts";

// The submission API inside workerd with the REAL KV and Queues: accepted messages go through the queue to the
// Worker's own queue consumer, which batches them into transactions on a real Babylon emulator (started by
// global-setup.ts behind a fault proxy, so the chain can be made to disappear mid-batch).
const chains = JSON.parse(inject("submitChains")) as {
  id: string;
  l2RpcUrl: string;
  babylonRpcUrl: string;
  babylonChainId: string;
  contractAddress: string;
}[];
const chain = chains[0] as (typeof chains)[number];
const submitEnv = { ...env, CHAINS: inject("submitChains") } as Env;
const proxy = inject("submitProxyUrl");
const app = createApp();
const BASE = `/v1/chains/${chain.id}`;

type Accepted = { submissions: { id: string; status: string; equivocation: boolean }[] };
type Problem = { status: number; code: string; title: string; detail?: string; field?: string };
type RecordBody = {
  status: string;
  txHash?: string | null;
  babylonHeight?: number | null;
  code?: string;
  message?: string;
};

const request = async (path: string, init: RequestInit = {}): Promise<Response> =>
  app.fetch(new Request(`http://edge.test${path}`, init), submitEnv);
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  request(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fault = (mode: "up" | "down" | "drop-after-broadcast") =>
  fetch(`${proxy}/__fault/${mode}`, { method: "POST" }).then(
    (r) => r.json() as Promise<{ broadcasts: number }>,
  );

async function waitForRecord(
  id: string,
  done: (r: RecordBody) => boolean,
  timeoutMs = 30_000,
): Promise<RecordBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await request(`${BASE}/submissions/${id}`);
    if (res.status === 200) {
      const record = (await res.json()) as RecordBody;
      if (done(record)) return record;
      if (Date.now() > deadline) throw new Error(`submission ${id} still ${JSON.stringify(record)}`);
    } else if (Date.now() > deadline) throw new Error(`submission ${id}: HTTP ${res.status}`);
    await sleep(150);
  }
}
const settledRecord = (r: RecordBody) => r.status !== "queued";

const fpOptions = new Map<string, FinalityProviderSignerOptions>();
const signers = new Map<string, FinalityProviderSigner>();
function signer(name: string): FinalityProviderSigner {
  const found = signers.get(name);
  if (!found) throw new Error(`no signer ${name}`);
  return found;
}
/** Signs a second, conflicting vote with the same key (a fresh double-sign guard): equivocation. */
const rogue = (name: string) =>
  createFinalityProviderSigner({
    ...(fpOptions.get(name) as FinalityProviderSignerOptions),
    doubleSignGuard: createMemoryDoubleSignGuard(),
  });

const hash = (byte: number) => `0x${byte.toString(16).padStart(2, "0").repeat(32)}` as const;
const inner = (msg: object) => Object.values(msg)[0] as Record<string, unknown>;
const vote = async (name: string, height: number, blockHash: `0x${string}`) =>
  inner(await signer(name).submitFinalitySignature({ height, blockHash }));

/** POSTs votes, retrying while the commit's epoch is not BTC-finalized yet (bounded). */
async function postVotes(messages: unknown[]): Promise<Response> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await post(`${BASE}/finality-signatures`, messages);
    if (res.status !== 422) return res;
    const problem = (await res.clone().json()) as Problem;
    if (problem.code !== "pub_rand_commit_not_btc_timestamped" || Date.now() > deadline) return res;
    await sleep(200);
  }
}

async function metrics(): Promise<{
  transactions: number;
  txFailures: number;
  duplicates: number;
  batchSizes: Record<string, number>;
  accepted: { vote: number; commit: number };
}> {
  return (await (await request(`${BASE}/submission-metrics`)).json()) as never;
}

beforeAll(async () => {
  // The queue consumer runs with the Worker's own bindings (CHAINS is "[]"): it finds the chain in KV.
  await env.FINALITY_KV.put(CHAINS_CONFIG_KEY, inject("submitChains"));
  await fault("up");
  const consumer = genesisJson.consumers[0];
  for (const fp of consumer?.finalityProviders ?? []) {
    const options: FinalityProviderSignerOptions = {
      secretKey: hexToBytes(fp.btcSecretKeyHex),
      bsnId: consumer?.bsnId ?? "",
      babylonChainId: chain.babylonChainId,
      contractAddress: chain.contractAddress,
      bsnActivationHeight: 1,
      finalitySignatureInterval: 1,
      proofStore: createMemoryProofStore(),
    };
    fpOptions.set(fp.account, options);
    signers.set(fp.account, createFinalityProviderSigner(options));
  }
});
afterAll(async () => {
  await fault("up");
  await env.FINALITY_KV.delete(CHAINS_CONFIG_KEY);
});

describe("provider submission API on the Babylon emulator, through the real queue", () => {
  let commitIds: string[] = [];

  it("commits randomness for four FPs in one request: 202, then one Babylon transaction carries all four", async () => {
    const commits = await Promise.all(
      ["fp-1", "fp-2", "fp-3", "fp-4"].map(async (fp) =>
        inner((await signer(fp).commitPublicRandomness({ startHeight: 1, numPubRand: 200 })).msg),
      ),
    );
    const res = await post(`${BASE}/public-randomness`, commits);
    expect(res.status).toBe(202);
    const body = (await res.json()) as Accepted;
    expect(body.submissions.map((s) => s.status)).toEqual(["queued", "queued", "queued", "queued"]);
    commitIds = body.submissions.map((s) => s.id);
    const records = await Promise.all(commitIds.map((id) => waitForRecord(id, settledRecord)));
    for (const record of records)
      expect(record).toMatchObject({ status: "submitted", txHash: expect.stringMatching(/^[0-9A-F]{64}$/) });
    expect(new Set(records.map((r) => r.txHash)).size).toBe(1);
  });

  it("answers a resent commit as a duplicate, and refuses an overlapping one with the contract's rule", async () => {
    const again = inner(
      (await signer("fp-1").commitPublicRandomness({ startHeight: 1, numPubRand: 200 })).msg,
    );
    // A fresh BIP-340 aux nonce makes a new signature: not the same message, so the overlap rule answers.
    const overlap = await post(`${BASE}/public-randomness`, again);
    expect(overlap.status).toBe(422);
    expect(overlap.headers.get("content-type")).toContain("application/problem+json");
    const problem = (await overlap.json()) as Problem;
    expect(problem.code).toBe("invalid_pub_rand_height");
    expect(problem.detail).toBe(
      "The start height (1) has overlap with the height of the highest public randomness committed (201)",
    );
  });

  let votedHash = "";
  it("votes land: three FPs' votes in one request, and the read API then shows them as the block's voters", async () => {
    const block = (await (await request(`${BASE}/blocks/5/finality`)).json()) as {
      block: { hash: `0x${string}` };
    };
    votedHash = block.block.hash;
    const messages = await Promise.all(["fp-1", "fp-2", "fp-3"].map((fp) => vote(fp, 5, block.block.hash)));
    const res = await postVotes(messages);
    expect(res.status).toBe(202);
    const body = (await res.json()) as Accepted;
    const records = await Promise.all(body.submissions.map((s) => waitForRecord(s.id, settledRecord)));
    expect(records.map((r) => r.status)).toEqual(["submitted", "submitted", "submitted"]);
    const finality = (await (await request(`${BASE}/blocks/5/finality`)).json()) as {
      voters: { fpBtcPk: string }[];
    };
    expect(finality.voters.map((v) => v.fpBtcPk).sort()).toEqual(
      ["fp-1", "fp-2", "fp-3"].map((fp) => signer(fp).publicKeyHex).sort(),
    );
  });

  it("answers an exact duplicate 200 `duplicate` and does not submit it again", async () => {
    const before = await metrics();
    const res = await post(`${BASE}/finality-signatures`, await vote("fp-1", 5, votedHash as `0x${string}`));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Accepted;
    expect(body.submissions).toEqual([expect.objectContaining({ status: "duplicate", equivocation: false })]);
    await sleep(1_500);
    expect((await metrics()).transactions).toBe(before.transactions);
  });

  it("refuses every rule with its code and the contract's wording, before anything is queued", async () => {
    const before = await metrics();
    const good = await vote("fp-2", 20, hash(0x20));
    const flipped = (b64: string) => {
      const bytes = base64ToBytes(b64);
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
      return bytesToBase64(bytes);
    };
    const cases: [string, unknown, number, string][] = [
      ["before activation", { ...good, height: 0 }, 422, "before_bsn_activation"],
      [
        "bad EOTS signature",
        { ...good, signature: flipped(good.signature as string) },
        422,
        "failed_signature_verification",
      ],
      [
        "proof for another height",
        { ...(await vote("fp-2", 21, hash(0x21))), height: 20 },
        422,
        "invalid_finality_sig_height",
      ],
      ["no commit covers the height", { ...good, height: 5000 }, 422, "missing_pub_rand_commit"],
      // The allowlist ("all" FPs of the BSN at genesis) is checked before Babylon's FP record.
      [
        "FP not in the allowlist",
        { ...good, fp_pubkey_hex: "02".repeat(32) },
        403,
        "finality_provider_not_allowed",
      ],
      ["short signature", { ...good, signature: bytesToBase64(new Uint8Array(31)) }, 422, "eots_error"],
    ];
    for (const [what, message, status, code] of cases) {
      const res = await post(`${BASE}/finality-signatures`, message);
      const problem = (await res.json()) as Problem;
      expect({ what, status: res.status, code: problem.code }).toEqual({ what, status, code });
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(problem.detail, what).toEqual(expect.any(String));
    }
    const tooFew = inner(
      (await signer("fp-3").commitPublicRandomness({ startHeight: 1000, numPubRand: 5 })).msg,
    );
    const fewRes = await post(`${BASE}/public-randomness`, tooFew);
    expect(fewRes.status).toBe(422);
    expect(await fewRes.json()).toMatchObject({
      code: "too_few_pub_rand",
      detail: "Too few public randomness values: given 5, required minimum 10",
    });
    // An array is all-or-nothing: the refused message is named by its index.
    const mixed = await post(`${BASE}/finality-signatures`, [good, good, { ...good, height: 0 }]);
    expect(mixed.status).toBe(422);
    expect(((await mixed.json()) as Problem).field).toMatch(/^\[2\]/);
    // Malformed requests.
    expect((await post(`${BASE}/finality-signatures`, "{not json")).status).toBe(400);
    expect((await post(`${BASE}/finality-signatures`, [])).status).toBe(400);
    expect((await post(`${BASE}/finality-signatures`, Array(101).fill(good))).status).toBe(400);
    const huge = await post(`${BASE}/finality-signatures`, JSON.stringify({ padding: "x".repeat(600_000) }));
    expect(huge.status).toBe(413);
    expect(huge.headers.get("content-type")).toContain("application/problem+json");
    const after = await metrics();
    expect(after.accepted).toEqual(before.accepted);
  });

  it("refuses a body repeating a field the contract knows (serde's `duplicate field`), before anything is queued", async () => {
    const before = await metrics();
    const good = await vote("fp-2", 25, hash(0x25));
    const text = JSON.stringify(good);
    const withFirst = (json: string, member: string) => json.replace(/^\{/, `{${member},`);
    const EXEC = "Error parsing into type finality::msg::ExecuteMsg: ";
    const proofTwice = text.replace('"proof":{', '"proof":{"total":1,');
    const cases: [string, string, string, string][] = [
      [
        "height twice (same value)",
        withFirst(text, '"height":25'),
        "height",
        `${EXEC}duplicate field \`height\``,
      ],
      ["a proof field twice", proofTwice, "proof.total", `${EXEC}duplicate field \`total\``],
      // An escaped spelling is the same key to serde.
      ["escaped key", withFirst(text, '"h\\u0065ight":25'), "height", `${EXEC}duplicate field \`height\``],
      ["in an array", `[${text},${proofTwice}]`, "[1].proof.total", `${EXEC}duplicate field \`total\``],
      [
        "the variant twice",
        `{"submit_finality_signature":${text},"submit_finality_signature":${text}}`,
        "submit_finality_signature",
        `${EXEC}Expected this character to start a JSON value.`,
      ],
    ];
    for (const [what, body, field, detail] of cases) {
      const res = await post(`${BASE}/finality-signatures`, body);
      expect(res.headers.get("content-type"), what).toContain("application/problem+json");
      expect({ what, status: res.status, ...((await res.json()) as object) }).toMatchObject({
        what,
        status: 400,
        code: "parse_error",
        field,
        detail,
      });
    }
    const commit = inner(
      (await signer("fp-3").commitPublicRandomness({ startHeight: 2000, numPubRand: 5 })).msg,
    );
    // Refused for the repeated key, not for its too few values: parsing comes before every rule.
    const commitRes = await post(
      `${BASE}/public-randomness`,
      withFirst(JSON.stringify(commit), '"start_height":2000'),
    );
    expect(commitRes.status).toBe(400);
    expect(await commitRes.json()).toMatchObject({
      code: "parse_error",
      field: "start_height",
      detail: `${EXEC}duplicate field \`start_height\``,
    });
    const after = await metrics();
    expect(after.accepted).toEqual(before.accepted);
    // Nothing was recorded: the same vote, with only an unknown key repeated (serde ignores it), is new.
    const res = await postVotes([good]);
    expect(res.status).toBe(202);
    const accepted = ((await res.json()) as Accepted).submissions[0];
    const tolerated = await post(
      `${BASE}/finality-signatures`,
      withFirst(withFirst(text, '"memo":1'), '"memo":2'),
    );
    expect(tolerated.status).toBeLessThan(300);
    expect(((await tolerated.json()) as Accepted).submissions[0]?.id).toBe(accepted?.id);
    const refusedCounters = (await (await request(`${BASE}/submission-metrics`)).json()) as {
      refused: Record<string, number>;
    };
    expect(refusedCounters.refused.parse_error ?? 0).toBeGreaterThanOrEqual(cases.length + 1);
  });

  it("lands the rest of a batch when the chain rejects one message of it", async () => {
    const blockHash = hash(0x07);
    const valid = await Promise.all(["fp-1", "fp-2"].map((fp) => vote(fp, 7, blockHash)));
    const bad = await vote("fp-3", 7, blockHash);
    // Straight onto the queue (the edge would refuse it): the consumer must bisect around it.
    const items: QueuedSubmission[] = [
      ...valid,
      { ...bad, signature: bytesToBase64(new Uint8Array(32).fill(7)) },
    ].map((msg, i) => ({
      id: submissionId(chain.id, "vote", [`batch-test-${i}`, String(Date.now())]),
      chain: chain.id,
      kind: "vote",
      fpBtcPkHex: signer(["fp-1", "fp-2", "fp-3"][i] as string).publicKeyHex,
      height: "7",
      msg: msg as never,
      equivocation: false,
      acceptedAt: Date.now(),
    }));
    await env.SUBMISSIONS.sendBatch(items.map((body) => ({ body, contentType: "json" })));
    const records = await Promise.all(items.map((item) => waitForRecord(item.id, settledRecord)));
    expect(records.slice(0, 2).map((r) => r.status)).toEqual(["submitted", "submitted"]);
    expect(records[0]?.txHash).toBe(records[1]?.txHash);
    expect(records[2]).toMatchObject({ status: "failed", code: "failed_signature_verification" });
  });

  it("keeps the relayer's sequence consistent under concurrent submissions", async () => {
    const before = await metrics();
    const heights = [30, 31, 32, 33, 34, 35];
    const responses = await Promise.all(
      heights.map(async (h) =>
        postVotes(await Promise.all(["fp-1", "fp-2"].map((fp) => vote(fp, h, hash(h))))),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(heights.map(() => 202));
    const ids = (await Promise.all(responses.map((r) => r.json() as Promise<Accepted>))).flatMap((b) =>
      b.submissions.map((s) => s.id),
    );
    const records = await Promise.all(ids.map((id) => waitForRecord(id, settledRecord)));
    expect(records.every((r) => r.status === "submitted")).toBe(true);
    const after = await metrics();
    expect(after.txFailures).toBe(before.txFailures);
    console.log(
      `concurrent: ${ids.length} messages in ${after.transactions - before.transactions} transactions`,
    );
  });

  it("fails closed when Babylon is down at verification: 503 with Retry-After, nothing queued", async () => {
    const message = await vote("fp-1", 40, hash(0x40));
    await fault("down");
    try {
      const res = await post(`${BASE}/finality-signatures`, message);
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBeTruthy();
    } finally {
      await fault("up");
    }
  });

  it("loses nothing and doubles nothing when the chain vanishes right after a broadcast", async () => {
    const messages = await Promise.all(["fp-1", "fp-2"].map((fp) => vote(fp, 41, hash(0x41))));
    const { broadcasts: before } = await fault("drop-after-broadcast");
    const res = await postVotes(messages);
    expect(res.status).toBe(202);
    const ids = ((await res.json()) as Accepted).submissions.map((s) => s.id);
    // The consumer's broadcast goes through; then the proxy drops everything.
    const deadline = Date.now() + 15_000;
    const proxyState = async () => (await (await fetch(`${proxy}/__fault`)).json()) as { broadcasts: number };
    while ((await proxyState()).broadcasts === before) {
      if (Date.now() > deadline) throw new Error("no broadcast reached the proxy");
      await sleep(100);
    }
    await sleep(1_000);
    const pending = await Promise.all(
      ids.map((id) => request(`${BASE}/submissions/${id}`).then((r) => r.json() as Promise<RecordBody>)),
    );
    expect(pending.map((r) => r.status)).toEqual(["queued", "queued"]);
    await fault("up");
    const records = await Promise.all(ids.map((id) => waitForRecord(id, settledRecord, 40_000)));
    // Found on chain at the next delivery: not sent again (a resend would have come back as a duplicate).
    expect(records.map((r) => r.status)).toEqual(["submitted", "submitted"]);
    const { broadcasts: after } = await fault("up");
    expect(after - before).toBe(1);
  });

  it("submits an equivocating vote, keeps the evidence, and the FP is slashed", async () => {
    const first = await vote("fp-4", 50, hash(0x50));
    const firstRes = await postVotes([first]);
    expect(firstRes.status).toBe(202);
    await waitForRecord(((await firstRes.json()) as Accepted).submissions[0]?.id ?? "", settledRecord);
    const fork = inner(await rogue("fp-4").submitFinalitySignature({ height: 50, blockHash: hash(0x51) }));
    const res = await post(`${BASE}/finality-signatures`, fork);
    expect(res.status).toBe(202);
    const accepted = ((await res.json()) as Accepted).submissions[0];
    expect(accepted).toMatchObject({ status: "queued", equivocation: true });
    expect(await waitForRecord(accepted?.id ?? "", settledRecord)).toMatchObject({ status: "submitted" });
    const evidence = await request(`${BASE}/equivocations/${signer("fp-4").publicKeyHex}/50`);
    expect(evidence.status).toBe(200);
    expect(await evidence.json()).toMatchObject({
      canonicalBlockHash: `0x${"50".repeat(32)}`,
      forkBlockHash: `0x${"51".repeat(32)}`,
      extractedSecretKeyMatches: true,
    });
    // The edge caches FP records for 5 s: a vote sent in that window is accepted, and the chain refuses it
    // (its record says so); after it, the edge refuses it itself.
    const deadline = Date.now() + 15_000;
    for (let height = 52; ; height++) {
      const later = await post(`${BASE}/finality-signatures`, await vote("fp-4", height, hash(height)));
      if (later.status === 422) {
        expect(((await later.json()) as Problem).code).toBe("slashed_finality_provider");
        break;
      }
      expect(later.status).toBe(202);
      const id = ((await later.json()) as Accepted).submissions[0]?.id ?? "";
      expect(await waitForRecord(id, settledRecord)).toMatchObject({
        status: "failed",
        code: "slashed_finality_provider",
      });
      if (Date.now() > deadline) throw new Error("the edge never refused the slashed FP");
      await sleep(1_000);
    }
  });

  it("1,000 junk votes naming fp-1 spend none of its budget: its own valid vote is accepted right after", async () => {
    // Before this fix the per-FP limit (600/min) was spent by anyone naming the key: these would have made fp-1's
    // own vote a 429. The junk comes from one client address, as Cloudflare states it in CF-Connecting-IP.
    const good = await vote("fp-1", 60, hash(0x60));
    const junk = [
      { ...good, signature: bytesToBase64(new Uint8Array(32).fill(7)) },
      { ...good, proof: { ...(good.proof as object), aunts: [bytesToBase64(new Uint8Array(32))] } },
      { ...good, pub_rand: bytesToBase64(new Uint8Array(32).fill(9)) },
      { ...good, height: "sixty" },
    ];
    const codes = new Map<string, number>();
    for (let i = 0; i < 1_000; i += 10) {
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, k) =>
          post(`${BASE}/finality-signatures`, junk[(i + k) % junk.length], {
            "cf-connecting-ip": "203.0.113.77",
          }),
        ),
      );
      for (const res of answers) {
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(res.headers.get("content-type")).toContain("application/problem+json");
        const { code } = (await res.json()) as Problem;
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
    }
    console.log(`1,000 junk votes naming fp-1: ${JSON.stringify(Object.fromEntries(codes))}`);
    expect(codes.get("rate_limited") ?? 0).toBe(0);
    const res = await postVotes([good]);
    expect(res.status).toBe(202);
    expect(((await res.json()) as Accepted).submissions[0]?.status).toBe("queued");
  });

  it("reports its counters", async () => {
    const m = await metrics();
    expect(m.accepted.commit).toBeGreaterThanOrEqual(4);
    expect(m.transactions).toBeGreaterThan(0);
    const sizes = Object.entries(m.batchSizes).flatMap(
      ([size, n]) => Array(n).fill(Number(size)) as number[],
    );
    console.log(
      `messages per Babylon transaction: ${JSON.stringify(m.batchSizes)} (max ${Math.max(...sizes)})`,
    );
    expect(Math.max(...sizes)).toBeGreaterThanOrEqual(4);
  });
});
