/**
 * @module The devnet FP fleet: finality providers that behave like real ones (read their own state from the
 * finality contract, commit public randomness ahead of the L2 head, vote on every grid block in order, never
 * sign a second hash at a height) but submit through the Finality Edge Worker's REST API instead of Babylon
 * transactions. Built on `src/provider` (signer, proof store, double-sign guard), `src/l2`, the contract's
 * query client and the SDK's client (`sdk/`) for every request to the edge.
 *
 * Devnet only: the keys are the genesis's public test material, and only loopback URLs are accepted.
 */
import {
  type AcceptedSubmission,
  createFinalityClient,
  FinalityEdgeError,
  NetworkError,
  TimeoutError,
} from "../../sdk/src/index.ts";
import {
  type ContractConfig,
  createFinalityQueryClient,
  getContractConfig,
  getHighestVotedHeight,
  getLastPubRandCommit,
} from "../../src/babylon/index.ts";
import { bytesToHex, equalBytes, hexToBytes } from "../../src/crypto/index.ts";
import { createL2Client, getBlockRef, type Hex, type L2Client } from "../../src/l2/index.ts";
import {
  alignToGrid,
  type CommitPublicRandomnessExecuteMsg,
  createFinalityProviderSigner,
  createMemoryDoubleSignGuard,
  createMemoryProofStore,
  DoubleSignError,
  type FinalityProviderSigner,
  type FinalityProviderSignerOptions,
  ProviderError,
  type SubmitFinalitySignatureExecuteMsg,
} from "../../src/provider/index.ts";

export type FleetFp = { name: string; btcSecretKeyHex: string };

/** A randomness commit as the contract stores it. */
export type FleetCommit = {
  startHeight: number;
  numPubRand: number;
  interval: number;
  commitment: Uint8Array;
};

/** What an FP reads about itself from Babylon (injectable, so tests can drive the resume path). */
export type FleetChainReader = {
  config(): Promise<ContractConfig>;
  lastCommit(btcPkHex: string): Promise<FleetCommit | null>;
  highestVotedHeight(btcPkHex: string): Promise<number | null>;
};

export type FleetOptions = {
  /** Edge chain id (path segment of /v1/chains/{chain}/…). */
  chain: string;
  /** Base URL of the Worker, e.g. http://127.0.0.1:8787 */
  edgeUrl: string;
  l2RpcUrl: string;
  babylonRpcUrl: string;
  babylonChainId: string;
  contractAddress: string;
  bsnId: string;
  fps: FleetFp[];
  /** Commit new randomness when fewer than this many heights remain ahead of the L2 head (default 100). */
  commitAhead?: number;
  /** Heights per commitment (default 300). */
  commitSize?: number;
  /** L2 head poll interval (default 500 ms). */
  pollMs?: number;
  /**
   * Vote on a block only once this many blocks are on top of it (default 0). A reorg no deeper than this drops
   * only blocks nobody voted on yet; a vote on a dropped block would keep its height from ever finalizing, since
   * signing the replacement would be equivocation. Rollup FPs get the same from voting on L1-safe blocks.
   */
  confirmations?: number;
  log?: (line: string) => void;
  /** Wait before retrying votes the edge cannot take yet (commit not on chain or not BTC-timestamped); default 1000 ms. */
  retryMs?: number;
  /** Longest back-off after 429/502/503/network errors (a `Retry-After` is honoured up to this); default 10 000 ms. */
  maxBackoffMs?: number;
  /** Per HTTP request (edge, L2, Babylon); bounds `stop()`. Default 5000 ms. */
  requestTimeoutMs?: number;
  /**
   * An accepted commit whose votes still get `missing_pub_rand_commit` after this long is taken as lost (e.g.
   * dead-lettered): the FP re-reads its last commit from Babylon and commits again. Default 60 000 ms.
   */
  commitLostMs?: number;
  /** Where the FPs read their own state; default: the finality contract at `contractAddress`. */
  chainReader?: FleetChainReader;
};

export type FleetFpStatus = {
  fp: string;
  btcPk: string;
  online: boolean;
  lastVoted: number | null;
  /** Messages (votes, commits, the deliberate equivocation) the edge answered 202/200 for. */
  accepted: number;
  /**
   * Refused for good, by code: heights given up (the edge's refusal, or the signer's: `double_sign` after a
   * reorg, `height_not_committed`) and refused commits (re-read from Babylon, then tried again).
   */
  refused: Record<string, number>;
  lastError: string | null;
  /** Requests retried later, by code (`pub_rand_commit_not_btc_timestamped`, `upstream_unavailable`, network, …). */
  retried?: Record<string, number>;
  /** Last height covered by the FP's accepted randomness commits. */
  committedTo?: number | null;
};

export type Fleet = {
  setOnline(fp: string, online: boolean): void;
  /** At the next height this FP votes on, ALSO send a conflicting vote (a different block hash) signed with a fresh double-sign guard. Resolves once the edge accepted it (202, equivocation: true). */
  equivocateOnce(fp: string): Promise<{ height: number; submissionId: string }>;
  status(): FleetFpStatus[];
  /** Submission ids the edge answered 202/200 for, in order (so tests can check none is lost). */
  acceptedIds(): string[];
  stop(): Promise<void>;
};

type CommitPublicRandomnessBody = CommitPublicRandomnessExecuteMsg["commit_public_randomness"];
type FinalitySignatureBody = SubmitFinalitySignatureExecuteMsg["submit_finality_signature"];

/** Votes per request: the edge's relayer batches 25 messages per Babylon transaction. */
const VOTES_PER_REQUEST = 25;

/** The finality contract, read the way a real FP does (one `abci_query` per call). */
export function babylonChainReader(
  babylonRpcUrl: string,
  contractAddress: string,
  timeoutMs = 5_000,
): FleetChainReader {
  const contract = createFinalityQueryClient(babylonRpcUrl, contractAddress, { timeoutMs });
  return {
    config: () => getContractConfig(contract),
    async lastCommit(btcPkHex) {
      const commit = await getLastPubRandCommit(contract, btcPkHex);
      if (commit === null) return null;
      return {
        startHeight: Number(commit.startHeight),
        numPubRand: Number(commit.numPubRand),
        interval: Number(commit.interval),
        commitment: commit.commitment,
      };
    },
    highestVotedHeight: (btcPkHex) => getHighestVotedHeight(contract, btcPkHex),
  };
}

// ---------------------------------------------------------------------------------------------
// The edge's answers

type EdgeSubmission = AcceptedSubmission;
type EdgeAnswer =
  | { kind: "accepted"; submissions: EdgeSubmission[] }
  | { kind: "refused"; status: number; code: string; field?: string; detail?: string }
  | { kind: "transient"; code: string; detail?: string; retryAfterMs?: number };

/** Why an attempt is retried later. */
type Setback = { code: string; detail?: string; retryAfterMs?: number };

/**
 * The SDK client's outcome as the fleet acts on it: accepted; refused for good (a 4xx other than 429); or worth
 * retrying on the fleet's own schedule (429, 5xx, no usable answer: the client itself tries once).
 */
async function edgeAnswer(sending: Promise<EdgeSubmission[]>): Promise<EdgeAnswer> {
  try {
    return { kind: "accepted", submissions: await sending };
  } catch (error) {
    if (!(error instanceof FinalityEdgeError)) throw error;
    if (error instanceof NetworkError || error instanceof TimeoutError) {
      return { kind: "transient", code: "network", detail: error.details ?? error.shortMessage };
    }
    const { status, code } = error;
    if (status !== undefined && status >= 400 && status < 500 && status !== 429) {
      return {
        kind: "refused",
        status,
        code,
        ...(error.field !== undefined ? { field: error.field } : {}),
        ...(error.details !== undefined ? { detail: error.details } : {}),
      };
    }
    const retryAfter = error.retryAfter ?? 0;
    return { kind: "transient", code, ...(retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}) };
  }
}

/** The message a refusal names: the edge prefixes the field with `[i]` when a request holds several. */
function refusedIndex(field: string | undefined): number {
  const match = field === undefined ? null : /^\[(\d+)\]/.exec(field);
  return match ? Number(match[1]) : 0;
}

function assertLoopback(label: string, url: string): void {
  const host = new URL(url).hostname;
  if (!/^127\.\d+\.\d+\.\d+$/.test(host) && host !== "localhost" && host !== "[::1]") {
    throw new Error(`fleet: ${label} must be a loopback URL (devnet keys are public), got ${url}`);
  }
}

// ---------------------------------------------------------------------------------------------
// One finality provider

type Equivocation = {
  resolve(value: { height: number; submissionId: string }): void;
  reject(error: Error): void;
  /** Set once the honest vote it conflicts with is accepted. */
  target?: { height: number; blockHash: Uint8Array };
};

type FpState = {
  name: string;
  secretKeyHex: string;
  signer: FinalityProviderSigner;
  /** Kept so a rebuilt or rogue signer shares the key, contexts and (for the rogue) the proofs. */
  signerOptions: FinalityProviderSignerOptions;
  online: boolean;
  /** Next grid height to vote on. */
  next: number;
  /** Heights given up (refused for good), pruned as `next` passes them. */
  skip: Set<number>;
  committedTo: number | null;
  commitAcceptedAt: number;
  /** A built commit not yet accepted: resent as is, so a retry is an exact duplicate for the edge. */
  pendingCommit: { msg: CommitPublicRandomnessExecuteMsg["commit_public_randomness"]; end: number } | null;
  /** Set when the FP must re-read its last commit from Babylon before committing again. */
  resync: boolean;
  lastVoted: number | null;
  accepted: number;
  refused: Record<string, number>;
  retried: Record<string, number>;
  lastError: string | null;
  retryAt: number;
  backoffMs: number;
  equivocation: Equivocation | null;
};

const bump = (counts: Record<string, number>, code: string) => {
  counts[code] = (counts[code] ?? 0) + 1;
};

export async function startFleet(options: FleetOptions): Promise<Fleet> {
  for (const [label, url] of [
    ["edgeUrl", options.edgeUrl],
    ["l2RpcUrl", options.l2RpcUrl],
    ["babylonRpcUrl", options.babylonRpcUrl],
  ] as const) {
    assertLoopback(label, url);
  }
  const commitAhead = options.commitAhead ?? 100;
  const pollMs = options.pollMs ?? 500;
  const confirmations = options.confirmations ?? 0;
  const retryMs = options.retryMs ?? 1_000;
  const maxBackoffMs = options.maxBackoffMs ?? 10_000;
  const timeoutMs = options.requestTimeoutMs ?? 5_000;
  const commitLostMs = options.commitLostMs ?? 60_000;
  const log = options.log ?? (() => {});
  const reader =
    options.chainReader ?? babylonChainReader(options.babylonRpcUrl, options.contractAddress, timeoutMs);
  // One try per request: the fleet backs off on its own schedule and counts each setback by code.
  const edge = createFinalityClient({
    url: options.edgeUrl,
    chain: options.chain,
    timeoutMs,
    retry: { attempts: 1 },
  });
  const l2: L2Client = createL2Client(options.l2RpcUrl, { cacheTime: 0, timeoutMs, retryCount: 0 });

  const config = await reader.config();
  if (config.bsnId !== options.bsnId) {
    throw new Error(
      `fleet: contract ${options.contractAddress} serves BSN ${config.bsnId}, not ${options.bsnId}`,
    );
  }
  const { activationHeight, interval } = config;
  const commitSize = Math.max(options.commitSize ?? 300, config.minPubRand);
  const onGrid = (height: number) => Number(alignToGrid(Math.max(height, 0), activationHeight, interval));
  const say = (fp: FpState, line: string) => log(`${fp.name}: ${line}`);
  const accepted: string[] = [];

  let stopped = false;
  const wakers = new Set<() => void>();
  const wakeAll = () => {
    for (const wake of [...wakers]) wake();
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      wakers.add(done);
    });
  const head = async () => Math.max(0, Number((await getBlockRef(l2, "latest")).number) - confirmations);

  /** A signer with an empty proof store; `guard` carries the votes already signed over to it. */
  function newSigner(secretKeyHex: string, guard = createMemoryDoubleSignGuard()) {
    const signerOptions: FinalityProviderSignerOptions = {
      secretKey: hexToBytes(secretKeyHex),
      bsnId: config.bsnId,
      babylonChainId: options.babylonChainId,
      contractAddress: options.contractAddress,
      bsnActivationHeight: activationHeight,
      finalitySignatureInterval: interval,
      proofStore: createMemoryProofStore(),
      doubleSignGuard: guard,
    };
    return { signer: createFinalityProviderSigner(signerOptions), signerOptions };
  }

  /**
   * POSTs unless the FP went offline or the fleet stopped meanwhile: checked right before the request, so
   * nothing leaves after `setOnline(fp, false)` or `stop()` returned, and stop waits for one request at most.
   */
  async function send(
    fp: FpState,
    kind: "commit" | "vote",
    messages: CommitPublicRandomnessBody[] | FinalitySignatureBody[],
  ): Promise<EdgeAnswer | undefined> {
    if (stopped || !fp.online) return undefined;
    return edgeAnswer(
      kind === "commit"
        ? edge.commitPublicRandomness(messages as CommitPublicRandomnessBody[])
        : edge.submitFinalitySignatures(messages as FinalitySignatureBody[]),
    );
  }

  function record(fp: FpState, submissions: EdgeSubmission[]): void {
    for (const s of submissions) accepted.push(s.id);
    fp.accepted += submissions.length;
    fp.backoffMs = 0;
  }

  /** Counts the setback and waits before the next attempt: Retry-After if given, else doubling from `retryMs`, capped. */
  function backOff(fp: FpState, setback: Setback, counts = fp.retried): void {
    bump(counts, setback.code);
    fp.backoffMs = Math.min(maxBackoffMs, fp.backoffMs === 0 ? retryMs : fp.backoffMs * 2);
    fp.retryAt = Date.now() + Math.min(maxBackoffMs, setback.retryAfterMs ?? fp.backoffMs);
    fp.lastError = setback.detail ? `${setback.code}: ${setback.detail}` : setback.code;
  }

  function waitForCommit(fp: FpState, code: string): void {
    bump(fp.retried, code);
    fp.retryAt = Date.now() + retryMs;
  }

  function giveUp(fp: FpState, height: number, code: string, detail: string): void {
    fp.skip.add(height);
    bump(fp.refused, code);
    fp.lastError = `${code} at ${height}: ${detail}`;
    say(fp, `gives up height ${height}: ${code} (${detail})`);
  }

  /**
   * Reads the FP's last commit from Babylon and rebuilds its proofs (randomness is deterministic per key,
   * BSN and height, so the same range gives the same commitment). A commitment that differs was not made
   * with this key's derivation: its heights cannot be voted, so voting moves past it.
   */
  async function syncCommit(fp: FpState): Promise<void> {
    fp.resync = false;
    fp.pendingCommit = null;
    const last = await reader.lastCommit(fp.signer.publicKeyHex);
    if (last === null) {
      fp.committedTo = null;
      return;
    }
    const end = last.startHeight + (last.numPubRand - 1) * last.interval;
    fp.committedTo = end;
    if (end < fp.next) return; // nothing ahead: the next commit starts after it
    const rebuilt =
      last.interval === interval
        ? await fp.signer.commitPublicRandomness({
            startHeight: last.startHeight,
            numPubRand: last.numPubRand,
          })
        : undefined;
    if (rebuilt && equalBytes(rebuilt.commit.commitment, last.commitment)) {
      say(fp, `rebuilt the proofs of its commit ${last.startHeight}..${end}`);
      return;
    }
    // The rebuilt proofs must not be used: a fresh store (same guard) for the ranges committed from now on.
    Object.assign(fp, newSigner(fp.secretKeyHex, fp.signerOptions.doubleSignGuard));
    fp.next = Math.max(fp.next, onGrid(end + 1));
    say(
      fp,
      `its commit ${last.startHeight}..${end} on Babylon is not this key's randomness: voting from ${fp.next}`,
    );
  }

  /**
   * Commits the next range when fewer than `commitAhead` heights remain ahead of where the FP votes (the L2
   * head, or its next height when that is further, e.g. past a commit it could not rebuild). True if it sent one.
   * A built commit is kept until the edge takes or refuses it, so a retry sends the very same message.
   */
  async function maybeCommit(fp: FpState, tip: number): Promise<boolean> {
    if (fp.pendingCommit === null) {
      if (fp.committedTo !== null && fp.committedTo >= Math.max(tip, fp.next) + commitAhead) return false;
      const start = Math.max(fp.committedTo === null ? 0 : onGrid(fp.committedTo + 1), onGrid(fp.next));
      const { msg } = await fp.signer.commitPublicRandomness({ startHeight: start, numPubRand: commitSize });
      fp.pendingCommit = { msg: msg.commit_public_randomness, end: start + (commitSize - 1) * interval };
    }
    const { msg, end } = fp.pendingCommit;
    const answer = await send(fp, "commit", [msg]);
    if (answer === undefined) return false;
    if (answer.kind === "accepted") {
      record(fp, answer.submissions);
      fp.committedTo = end;
      fp.commitAcceptedAt = Date.now();
      fp.pendingCommit = null;
      say(fp, `committed ${msg.start_height}..${end} (${answer.submissions[0]?.id ?? "?"})`);
    } else if (answer.kind === "transient") {
      backOff(fp, answer);
    } else {
      // Our view of the last commit is wrong (or the edge refuses the key): re-read it before trying again.
      backOff(
        fp,
        { code: answer.code, detail: `commit ${msg.start_height}..${end}: ${answer.detail ?? ""}` },
        fp.refused,
      );
      say(fp, `commit refused: ${fp.lastError}`);
      fp.resync = true;
    }
    return true;
  }

  /** Signs the next heights (up to 25); heights the signer refuses are given up. */
  async function signBatch(fp: FpState, upTo: number) {
    const last = Math.min(upTo, fp.next + (VOTES_PER_REQUEST - 1) * interval);
    const heights: number[] = [];
    for (let h = fp.next; h <= last; h += interval) if (!fp.skip.has(h)) heights.push(h);
    const blocks = await Promise.all(heights.map((h) => getBlockRef(l2, h)));
    const votes: { height: number; blockHash: Hex; msg: SubmitFinalitySignatureExecuteMsg }[] = [];
    for (const [i, height] of heights.entries()) {
      const blockHash = (blocks[i] as { hash: Hex }).hash;
      try {
        votes.push({
          height,
          blockHash,
          msg: await fp.signer.submitFinalitySignature({ height, blockHash }),
        });
      } catch (error) {
        // A reorg gave this height another hash after we signed it, or no commit covers it: skip, never re-sign.
        if (!(error instanceof DoubleSignError || error instanceof ProviderError)) throw error;
        giveUp(fp, height, error.code, error.shortMessage);
      }
    }
    return { votes, last };
  }

  /** Votes the next batch of grid heights up to `tip`. True if there was something to vote on. */
  async function voteBatch(fp: FpState, tip: number): Promise<boolean> {
    const upTo = Math.min(tip, fp.committedTo ?? -1);
    if (fp.next > upTo) return false;
    const { votes, last } = await signBatch(fp, upTo);
    if (votes.length === 0) {
      advance(fp, last);
      return true;
    }
    const answer = await send(
      fp,
      "vote",
      votes.map((v) => v.msg.submit_finality_signature),
    );
    if (answer === undefined) return false;
    if (answer.kind === "accepted") {
      record(fp, answer.submissions);
      const first = votes[0] as (typeof votes)[number];
      fp.lastVoted = Math.max(fp.lastVoted ?? 0, (votes[votes.length - 1] as (typeof votes)[number]).height);
      advance(fp, last);
      if (fp.equivocation && !fp.equivocation.target) {
        fp.equivocation.target = { height: first.height, blockHash: hexToBytes(first.blockHash.slice(2)) };
      }
      return true;
    }
    if (answer.kind === "transient") {
      backOff(fp, answer);
      return false;
    }
    if (answer.code === "pub_rand_commit_not_btc_timestamped") {
      waitForCommit(fp, answer.code); // normal right after a commit: its epoch is not BTC-finalized yet
      return false;
    }
    if (answer.code === "missing_pub_rand_commit") {
      // The accepted commit is not on Babylon yet; only after a long wait is it taken as lost.
      if (Date.now() - fp.commitAcceptedAt > commitLostMs) fp.resync = true;
      waitForCommit(fp, answer.code);
      return false;
    }
    const refused = votes[refusedIndex(answer.field)] ?? (votes[0] as (typeof votes)[number]);
    giveUp(fp, refused.height, answer.code, answer.detail ?? `HTTP ${answer.status}`);
    return true; // the rest of the batch went nowhere (all-or-nothing): resend it at once
  }

  function advance(fp: FpState, last: number): void {
    fp.next = last + interval;
    for (const h of fp.skip) if (h < fp.next) fp.skip.delete(h);
  }

  /** Sends the conflicting vote once its honest counterpart is accepted. */
  async function equivocate(
    fp: FpState,
    equivocation: Equivocation,
    target: { height: number; blockHash: Uint8Array },
  ): Promise<void> {
    const { height, blockHash } = target;
    const fork = Uint8Array.from(blockHash);
    fork[31] = (fork[31] ?? 0) ^ 0xff;
    // A fresh guard with the same proofs: the FP's own guard keeps refusing the second hash.
    const rogue = createFinalityProviderSigner({
      ...fp.signerOptions,
      doubleSignGuard: createMemoryDoubleSignGuard(),
    });
    const msg = await rogue.submitFinalitySignature({ height, blockHash: fork });
    const answer = await send(fp, "vote", [msg.submit_finality_signature]);
    if (answer === undefined) return;
    if (answer.kind === "transient") return backOff(fp, answer);
    fp.equivocation = null;
    const submission = answer.kind === "accepted" ? answer.submissions[0] : undefined;
    if (answer.kind === "accepted") record(fp, answer.submissions);
    if (submission?.equivocation === true) {
      say(
        fp,
        `equivocated at ${height}: ${bytesToHex(blockHash)} and ${bytesToHex(fork)} (${submission.id})`,
      );
      equivocation.resolve({ height, submissionId: submission.id });
      return;
    }
    const why =
      answer.kind === "refused" ? `${answer.code}: ${answer.detail ?? ""}` : "not seen as equivocation";
    equivocation.reject(new Error(`fleet: ${fp.name}'s conflicting vote at ${height}: ${why}`));
  }

  /** One unit of work; true when more is waiting (catch-up), so the loop goes on without sleeping. */
  async function step(fp: FpState): Promise<boolean> {
    if (fp.resync) await syncCommit(fp);
    const equivocation = fp.equivocation;
    if (equivocation?.target) {
      await equivocate(fp, equivocation, equivocation.target);
      return false;
    }
    const tip = await head();
    if (await maybeCommit(fp, tip)) return true;
    return voteBatch(fp, tip);
  }

  async function run(fp: FpState): Promise<void> {
    while (!stopped) {
      let more = false;
      if (fp.online && Date.now() >= fp.retryAt) {
        try {
          more = await step(fp);
        } catch (error) {
          // L2 or Babylon unreachable, or a bug: keep the heights, try again later.
          const code = (error as { code?: unknown }).code;
          backOff(fp, { code: typeof code === "string" ? code : "error", detail: (error as Error).message });
          say(fp, `error: ${fp.lastError}`);
        }
      }
      if (!more && !stopped) await sleep(fp.online ? Math.max(pollMs, fp.retryAt - Date.now()) : pollMs);
    }
  }

  // Start: each FP resumes from its own state on Babylon.
  const fps = new Map<string, FpState>();
  for (const { name, btcSecretKeyHex } of options.fps) {
    const { signer, signerOptions } = newSigner(btcSecretKeyHex);
    const highest = await reader.highestVotedHeight(signer.publicKeyHex);
    const fp: FpState = {
      name,
      secretKeyHex: btcSecretKeyHex,
      signer,
      signerOptions,
      online: true,
      // From activation on a fresh start, else right after the highest voted height: every grid height gets a
      // vote (finality needs them consecutive), and never again one at or below the highest voted height (the
      // double-sign guard lives in memory only).
      next: onGrid(highest === null ? 0 : highest + 1),
      skip: new Set(),
      committedTo: null,
      commitAcceptedAt: 0,
      pendingCommit: null,
      resync: false,
      lastVoted: highest,
      accepted: 0,
      refused: {},
      retried: {},
      lastError: null,
      retryAt: 0,
      backoffMs: 0,
      equivocation: null,
    };
    await syncCommit(fp);
    say(
      fp,
      `${signer.publicKeyHex.slice(0, 12)}… votes from ${fp.next}, committed to ${fp.committedTo ?? "-"}`,
    );
    fps.set(name, fp);
  }
  const loops = [...fps.values()].map(run);

  const pick = (name: string): FpState => {
    const fp = fps.get(name);
    if (fp === undefined) throw new Error(`fleet: no finality provider named ${name}`);
    return fp;
  };

  return {
    setOnline(name, online) {
      const fp = pick(name);
      if (fp.online === online) return;
      fp.online = online;
      fp.retryAt = 0;
      say(fp, online ? "online" : "offline");
      if (online) wakeAll();
    },
    equivocateOnce(name) {
      const fp = pick(name);
      if (stopped) return Promise.reject(new Error("fleet: stopped"));
      if (fp.equivocation)
        return Promise.reject(new Error(`fleet: ${name} already has an equivocation pending`));
      return new Promise((resolve, reject) => {
        fp.equivocation = { resolve, reject };
      });
    },
    status() {
      return [...fps.values()].map((fp) => ({
        fp: fp.name,
        btcPk: fp.signer.publicKeyHex,
        online: fp.online,
        lastVoted: fp.lastVoted,
        accepted: fp.accepted,
        refused: { ...fp.refused },
        lastError: fp.lastError,
        retried: { ...fp.retried },
        committedTo: fp.committedTo,
      }));
    },
    acceptedIds: () => [...accepted],
    async stop() {
      stopped = true;
      wakeAll();
      // In-flight requests finish (bounded by requestTimeoutMs), so every id the edge accepted is recorded.
      await Promise.allSettled(loops);
      for (const fp of fps.values()) {
        fp.equivocation?.reject(new Error("fleet: stopped"));
        fp.equivocation = null;
      }
    },
  };
}
