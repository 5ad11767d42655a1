// The FP daemon's safety on the emulator (babylon transport):
// 1. a signer killed with SIGKILL after it claimed a height in the state file but before anything was sent: the
//    next daemon sends exactly that signature for the same block, and sends nothing for that height once a reorg
//    gave it another block (the claim is the one signature that can ever leave, even unsent);
// 2. an FP slashed by an equivocation made outside the daemon: the daemon stops (even with no height due), records
//    it, never signs again, and neither does a new daemon nor `finality-edge-fp start` on the same state file;
//    with a registration reading still fresh, the contract's refusal of its next vote stops it instead.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultGenesis } from "../../devnet/babylon/genesis-load.ts";
import { haveAnvil } from "../../devnet/processes.ts";
import type { Assembled } from "../../fp-daemon/assemble.ts";
import { EXIT } from "../../fp-daemon/exit-codes.ts";
import { resolveHome } from "../../fp-daemon/home.ts";
import { writeKeystoreFile } from "../../fp-daemon/keys/keystore-file.ts";
import { startDaemon } from "../../fp-daemon/start.ts";
import type { Config } from "../../src/babylon/index.ts";
import {
  base64ToBytes,
  bytesToBase64,
  bytesToHex,
  hexToBytes,
  utf8ToBytes,
  xOnlyPublicKey,
} from "../../src/crypto/index.ts";
import { encryptKeystore } from "../../src/fp-daemon/keystore.ts";
import { createL2Client, getBlockRef } from "../../src/l2/index.ts";
import {
  createFinalityProviderSigner,
  createLocalEotsKey,
  createMemoryDoubleSignGuard,
  createMemoryProofStore,
  type EotsKey,
} from "../../src/provider/index.ts";
import type { ClaimRequest } from "./fixtures/claim-and-hang.ts";
import {
  connectBabylonQueries,
  connectFinalityProvider,
  contractOf,
  label32,
  within,
} from "./support/contract-harness.ts";
import {
  collectingLog,
  type DaemonWorld,
  type LogLine,
  recordSends,
  type SentRequest,
  sentVotes,
  startDaemonWorld,
  until,
  votersAt,
} from "./support/fp-daemon-harness.ts";

const genesis = defaultGenesis();
const consumer = genesis.consumers[0];
if (!consumer) throw new Error("the default genesis has no consumer");
const genesisFp = (account: string) => {
  const fp = consumer.finalityProviders.find((f) => f.account === account);
  if (!fp) throw new Error(`the default genesis has no ${account}`);
  return { ...fp, btcPkHex: bytesToHex(xOnlyPublicKey(hexToBytes(fp.btcSecretKeyHex))) };
};

let world: DaemonWorld;
let contractConfig: Config;
let bundleDir: string;
let claimBundle: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  // The child is a real Node process running the bundled fixture (as scripts/run-ts.mjs runs TypeScript).
  bundleDir = await mkdtemp(join(tmpdir(), "fp-daemon-safety-bundle-"));
  claimBundle = join(bundleDir, "claim-and-hang.mjs");
  const [started] = await Promise.all([
    startDaemonWorld(genesis, 4),
    build({
      entryPoints: [resolve(import.meta.dirname, "fixtures/claim-and-hang.ts")],
      outfile: claimBundle,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node22",
      logLevel: "warning",
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
    }),
  ]);
  world = started;
  contractConfig = await world.queries.config();
}, 60_000);

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined)
      child.kill("SIGKILL");
  }
  await world?.stop();
  if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
});

const l2 = () => createL2Client(world.l2.url, { cacheTime: 0 });
const blockHash = async (height: number) => (await getBlockRef(l2(), height)).hash;
const l2Head = async () => Number((await getBlockRef(l2(), "latest")).number);
const statePath = (account: string) => join(world.dir, `${account}.sqlite`);

/**
 * Runs the fixture in a child process: it signs `height` over `account`'s state file and prints the signature;
 * the child is SIGKILLed the moment the line arrives. Returns the printed signature (base64).
 */
async function claimThenKill9(account: string, height: number, hash: `0x${string}`): Promise<string> {
  const fp = genesisFp(account);
  const request: ClaimRequest = {
    statePath: statePath(account),
    secretKeyHex: fp.btcSecretKeyHex,
    publicKeyHex: fp.btcPkHex,
    bsnId: world.bsnId,
    babylonChainId: world.chain.chainId,
    contractAddress: world.contractAddress,
    activation: contractConfig.bsn_activation_height,
    interval: contractConfig.finality_signature_interval,
    height,
    blockHash: hash,
  };
  const child = spawn(process.execPath, ["--no-warnings", claimBundle, JSON.stringify(request)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once("exit", (code, signal) => done({ code, signal })),
  );
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const signature = await within(
    new Promise<string>((done, fail) => {
      child.stdout?.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        const line = /^signature (\S+)\n/m.exec(stdout);
        if (line?.[1] === undefined) return;
        // kill -9 at once: the vote is claimed in the file and was never handed to any transport.
        child.kill("SIGKILL");
        done(line[1]);
      });
      void exited.then(({ code, signal }) =>
        fail(new Error(`the child exited (${code ?? signal}) before printing a signature: ${stderr}`)),
      );
    }),
    30_000,
    "the child prints its signature",
  );
  // It was still running (hanging) when killed: it died of the SIGKILL, not by itself.
  expect(await within(exited, 10_000, "the child dies")).toEqual({ code: null, signal: "SIGKILL" });
  return signature;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Genesis FP `account`'s key, recording every height it is asked to sign (the signer's guard comes first). */
function recordingKey(account: string): { key: EotsKey; signedHeights: number[] } {
  const inner = createLocalEotsKey(hexToBytes(genesisFp(account).btcSecretKeyHex));
  const signedHeights: number[] = [];
  return {
    signedHeights,
    key: {
      publicKey: inner.publicKey,
      publicRandomness: (bsnId, heights) => inner.publicRandomness(bsnId, heights),
      signEots(bsnId, height, message) {
        signedHeights.push(Number(height));
        return inner.signEots(bsnId, height, message);
      },
      signSchnorr: (digest) => inner.signSchnorr(digest),
    },
  };
}

/** Until the daemon voted up to `head`, both its commits are accepted and its outbox is empty: it sends nothing. */
async function untilIdle(daemon: Assembled, head: number): Promise<void> {
  await until(
    () => {
      const { outbox } = daemon.voter.status();
      const commits = daemon.store.listCommits();
      return (
        (daemon.store.getHighestVoted() ?? 0) >= head &&
        commits.length >= 2 &&
        commits.every((c) => c.state === "accepted") &&
        outbox.unsent + outbox.accepted === 0
      );
    },
    60_000,
    `the daemon votes up to the head (${head}) and goes idle`,
  );
}

/**
 * From outside the daemon: a rogue signer for `account`'s key with in-memory proofs and guard rebuilds the commit
 * covering `height` (not sent: same range, same randomness, same commitment), signs another block hash at that
 * already-voted height, and sends it with the FP's own Babylon account. Babylon slashes the FP in that tx.
 */
async function equivocate(account: string, daemon: Assembled, height: number): Promise<void> {
  const fp = genesisFp(account);
  const votedHash = (await blockHash(height)).slice(2);
  expect(await votersAt(world.queries, height, votedHash)).toContain(fp.btcPkHex);
  const rogue = createFinalityProviderSigner({
    secretKey: hexToBytes(fp.btcSecretKeyHex),
    bsnId: world.bsnId,
    babylonChainId: world.chain.chainId,
    contractAddress: world.contractAddress,
    bsnActivationHeight: contractConfig.bsn_activation_height,
    finalitySignatureInterval: contractConfig.finality_signature_interval,
    proofStore: createMemoryProofStore(),
    doubleSignGuard: createMemoryDoubleSignGuard(),
  });
  const commit = daemon.store.listCommits().find((c) => c.startHeight <= height && height <= c.endHeight);
  if (!commit) throw new Error(`no commit of ${account} covers ${height}`);
  const rebuilt = await rogue.commitPublicRandomness({
    startHeight: commit.startHeight,
    numPubRand: commit.numPubRand,
  });
  expect(bytesToHex(rebuilt.commit.commitment)).toBe(commit.commitmentHex);
  const forkHash = label32(`fp-daemon-safety/fork/${account}`);
  expect(bytesToHex(forkHash)).not.toBe(votedHash);
  const forkVote = await rogue.submitFinalitySignature({ height, blockHash: forkHash });

  const contract = await contractOf(world.chain, world.bsnId);
  const sender = await connectFinalityProvider(world.chain, genesis, account, contract);
  const babylon = await connectBabylonQueries(world.chain.rpcUrl);
  try {
    const before = await babylon.btcstaking.FinalityProvider({ fpBtcPkHex: fp.btcPkHex });
    expect(before.finalityProvider?.slashedBabylonHeight).toBe(0);
    const result = await sender.client.execute(sender.address, world.contractAddress, forkVote, "auto");
    expect(result.events.some((e) => e.type === "babylon.finality.v1.EventSlashedFinalityProvider")).toBe(
      true,
    );
    const after = await babylon.btcstaking.FinalityProvider({ fpBtcPkHex: fp.btcPkHex });
    expect(after.finalityProvider?.slashedBabylonHeight).toBe(result.height);
  } finally {
    sender.client.disconnect();
    babylon.disconnect();
  }
}

describe.skipIf(!haveAnvil)("FP daemon safety on the emulator (babylon transport)", () => {
  const fp1 = genesisFp("fp-1");

  it("kill -9 after the claim, same block: the next daemon sends exactly the claimed signature", async () => {
    const first = await world.daemon("fp-1");
    const running = first.voter.run();
    await until(
      () =>
        (first.store.getHighestVoted() ?? 0) >= 4 &&
        first.store.listCommits().some((c) => c.startHeight === 1 && c.state === "accepted"),
      60_000,
      "fp-1's first commit is accepted and it votes up to the head (4)",
    );
    await first.voter.stop();
    const h = first.voter.status().cursor;
    await first.close();
    expect(await running).toBe("stopped");
    expect(h).toBe((await l2Head()) + 1);

    await world.mine(1);
    const hash = await blockHash(h);
    const printed = await claimThenKill9("fp-1", h, hash);

    const sent: SentRequest[] = [];
    const lines: LogLine[] = [];
    const watched = recordingKey("fp-1");
    const second = await world.daemon("fp-1", {
      key: watched.key,
      wrapTransport: recordSends(sent),
      log: collectingLog(lines),
    });
    // The claim was on disk before the child printed it.
    const claimed = await second.store.guard.get({
      publicKeyHex: fp1.btcPkHex,
      bsnId: world.bsnId,
      height: BigInt(h),
    });
    expect(claimed && bytesToHex(claimed.blockHash)).toBe(hash.slice(2));
    expect(claimed && bytesToBase64(claimed.signature)).toBe(printed);
    expect(second.voter.status().cursor).toBe(h);

    const rerun = second.voter.run();
    await until(
      async () => (await votersAt(world.queries, h, hash.slice(2))).includes(fp1.btcPkHex),
      60_000,
      `Babylon holds fp-1's vote at ${h}`,
    );
    const votes = sentVotes(sent).filter((v) => v.height === h);
    expect(votes.length).toBeGreaterThanOrEqual(1);
    for (const vote of votes) {
      expect(vote.block_hash).toBe(bytesToBase64(hexToBytes(hash.slice(2))));
      expect(vote.signature).toBe(printed);
    }
    const onChain = (await world.queries.blockVoters({ height: h, hashHex: hash.slice(2) }))?.find(
      (v) => v.fp_btc_pk_hex === fp1.btcPkHex,
    );
    expect(onChain?.finality_signature.finality_sig).toEqual(Array.from(base64ToBytes(printed)));
    expect(onChain?.finality_signature.block_hash).toEqual(Array.from(hexToBytes(hash.slice(2))));
    await until(() => second.store.getHighestVoted() === h, 10_000, "the vote is recorded as voted");
    // The signature came from the claim in the file: the key was never asked to sign h again.
    expect(watched.signedHeights).not.toContain(h);
    expect(second.voter.status().counters.signed).toBe(1);
    expect(second.store.recentSkips(10)).toEqual([]);
    expect(second.voter.status().counters.refused).toEqual({});
    expect(lines.filter((l) => l.level === "error")).toEqual([]);
    await second.close();
    expect(await rerun).toBe("stopped");
  }, 120_000);

  it("kill -9 after the claim, then a reorg replaces the block: no vote for that height ever leaves", async () => {
    const h2 = (await l2Head()) + 1;
    await world.mine(1);
    const claimedHash = await blockHash(h2);
    const printed = await claimThenKill9("fp-1", h2, claimedHash);
    // Replace block h2 (the head) with another block.
    await world.l2Rpc("anvil_reorg", [1, []]);
    expect(await l2Head()).toBe(h2);
    const newHash = await blockHash(h2);
    expect(newHash).not.toBe(claimedHash);

    const sent: SentRequest[] = [];
    const lines: LogLine[] = [];
    const watched = recordingKey("fp-1");
    const daemon = await world.daemon("fp-1", {
      key: watched.key,
      wrapTransport: recordSends(sent),
      log: collectingLog(lines),
    });
    expect(daemon.voter.status().cursor).toBe(h2);
    const running = daemon.voter.run();
    await until(() => daemon.store.recentSkips(10).some((s) => s.height === h2), 30_000, `fp-1 skips ${h2}`);
    await world.mine(3);
    for (const height of [h2 + 1, h2 + 2, h2 + 3]) {
      const hash = (await blockHash(height)).slice(2);
      await until(
        async () => (await votersAt(world.queries, height, hash)).includes(fp1.btcPkHex),
        60_000,
        `Babylon holds fp-1's vote at ${height}`,
      );
    }

    // The skip, with its reason.
    const skips = daemon.store.recentSkips(10).filter((s) => s.height === h2);
    expect(skips).toHaveLength(1);
    expect(skips[0]?.reason).toBe("double_sign");
    expect(skips[0]?.detail).toMatch(
      new RegExp(
        `^Refusing to sign a second block hash at height ${h2}: already signed [0-9a-f]{64}, asked to sign [0-9a-f]{64}$`,
      ),
    );
    expect(daemon.voter.status().counters.skipped).toEqual({ double_sign: 1 });
    // Not one vote for h2 was handed to the transport, for either hash; the heights after it were.
    const votes = sentVotes(sent);
    expect(votes.filter((v) => v.height === h2)).toEqual([]);
    expect(votes.some((v) => v.signature === printed)).toBe(false);
    expect([...new Set(votes.map((v) => v.height))].sort((a, b) => a - b)).toEqual([h2 + 1, h2 + 2, h2 + 3]);
    // Babylon has no vote of fp-1 at h2 under either hash; the claim stays the slot's only signature.
    expect(await votersAt(world.queries, h2, claimedHash.slice(2))).not.toContain(fp1.btcPkHex);
    expect(await votersAt(world.queries, h2, newHash.slice(2))).not.toContain(fp1.btcPkHex);
    const slot = await daemon.store.guard.get({
      publicKeyHex: fp1.btcPkHex,
      bsnId: world.bsnId,
      height: BigInt(h2),
    });
    expect(slot && bytesToBase64(slot.signature)).toBe(printed);
    expect(slot && bytesToHex(slot.blockHash)).toBe(claimedHash.slice(2));
    expect(lines.some((l) => l.msg === "height skipped" && l.fields.reason === "double_sign")).toBe(true);
    // The guard refused before the key: the second hash at h2 was never signed, even to be dropped.
    expect(watched.signedHeights).not.toContain(h2);
    expect(watched.signedHeights).toEqual([h2 + 1, h2 + 2, h2 + 3]);
    await daemon.close();
    expect(await running).toBe("stopped");
  }, 120_000);

  it("slashed by an equivocation made outside it: the daemon stops, records it, and nothing signs again", async () => {
    const fp3 = genesisFp("fp-3");
    // fp-3's home: its state file is where `finality-edge-fp start` looks for it.
    const homeDir = join(world.dir, "fp-3-home");
    await mkdir(homeDir, { recursive: true, mode: 0o700 });
    const home = resolveHome(homeDir);
    const sent: SentRequest[] = [];
    const lines: LogLine[] = [];
    const daemon = await world.daemon("fp-3", {
      statePath: home.statePath,
      wrapTransport: recordSends(sent),
      log: collectingLog(lines),
      // The registration is read again 200 ms after the last reading: the slash is seen within a few steps.
      registrationTtlMs: 200,
    });
    const running = daemon.voter.run();
    await untilIdle(daemon, await l2Head());
    await equivocate("fp-3", daemon, 2);
    const signedBefore = daemon.voter.status().counters.signed;
    const sentBefore = sent.length;

    // No new L2 height is due: the daemon still reads the slash within a few of its steps, and stops.
    expect(await within(running, 5_000, "voter.run() resolves once fp-3 is slashed")).toBe("slashed");
    const detail = daemon.store.getMeta("slashed");
    expect(detail).toMatch(/^slashed at Babylon height \d+, BTC height \d+$/);
    expect(daemon.voter.status().slashed).toBe(detail);
    expect(lines.filter((l) => l.level === "error")).toEqual([
      { level: "error", msg: "finality provider is slashed: signing stopped", fields: { detail } },
    ]);
    // Nothing was signed or sent after the slash, and nothing is while the L2 keeps growing.
    expect(daemon.voter.status().counters.signed).toBe(signedBefore);
    expect(sent.length).toBe(sentBefore);
    await world.mine(5);
    await sleep(2_000);
    expect(await daemon.voter.step()).toBe(false);
    expect(daemon.voter.status().counters.signed).toBe(signedBefore);
    expect(sent.length).toBe(sentBefore);
    const highest = await world.queries.highestVotedHeight({ btcPkHex: fp3.btcPkHex });
    await daemon.close();

    // A new daemon on the same state file: slashed from the start, runs no step, signs and sends nothing.
    const againSent: SentRequest[] = [];
    const againKey = recordingKey("fp-3");
    const again = await world.daemon("fp-3", {
      statePath: home.statePath,
      key: againKey.key,
      wrapTransport: recordSends(againSent),
      registrationTtlMs: 200,
    });
    expect(again.voter.status().slashed).toBe(detail);
    expect(await within(again.voter.run(), 2_000, "a slashed daemon's run() resolves at once")).toBe(
      "slashed",
    );
    await world.mine(2);
    expect(await again.voter.step()).toBe(false);
    await sleep(1_000);
    expect(again.voter.status().counters).toMatchObject({ signed: 0, requests: 0 });
    expect(againKey.signedHeights).toEqual([]);
    expect(againSent).toEqual([]);
    await again.close();

    // `finality-edge-fp start` on this home: refuses to sign, says why at level error, exits with code 3.
    const passphrase = "fp-daemon-safety passphrase";
    const wallet = world.chain.accounts.find((a) => a.name === "fp-3");
    if (!wallet) throw new Error("no fp-3 account");
    const kdf = { N: 2 ** 10 };
    await writeKeystoreFile(
      join(home.keysDir, "default.eots.json"),
      await encryptKeystore({
        kind: "eots",
        name: "default",
        publicKey: fp3.btcPkHex,
        secret: hexToBytes(fp3.btcSecretKeyHex),
        passphrase,
        kdf,
      }),
    );
    await writeKeystoreFile(
      join(home.keysDir, "default.babylon.json"),
      await encryptKeystore({
        kind: "babylon-mnemonic",
        name: "default",
        publicKey: wallet.address,
        secret: utf8ToBytes(wallet.mnemonic),
        passphrase,
        kdf,
      }),
    );
    const configPath = join(homeDir, "config.json");
    await writeFile(configPath, JSON.stringify({ ...world.config(), ops: { host: "127.0.0.1", port: 0 } }), {
      mode: 0o600,
    });
    let output = "";
    // Stops the daemon if it does start (a failing case must not leave it signing in this process).
    let stopStarted: (signal: string) => void = () => {};
    const stopSignal = new Promise<string>((done) => {
      stopStarted = done;
    });
    const started = startDaemon({
      home: homeDir,
      config: configPath,
      env: { FP_KEYSTORE_PASSPHRASE: passphrase },
      stream: { write: (chunk: string) => (output += chunk) },
      stopSignal,
    });
    let code: number;
    try {
      code = await within(started, 10_000, "finality-edge-fp start on a slashed home returns");
    } finally {
      stopStarted("SIGTERM");
      await within(started, 20_000, "finality-edge-fp start stops").catch(() => {});
    }
    expect(code).toBe(EXIT.slashed);
    const logged = output
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { level: string; msg: string; detail?: string });
    expect(logged.filter((l) => l.level === "error")).toEqual([
      expect.objectContaining({ msg: "this finality provider was found slashed; refusing to sign", detail }),
    ]);
    expect(logged.some((l) => l.msg === "daemon started")).toBe(false);
    // Babylon never got another vote of fp-3.
    await world.mine(1);
    await sleep(500);
    expect(await world.queries.highestVotedHeight({ btcPkHex: fp3.btcPkHex })).toBe(highest);
  }, 180_000);

  it("slashed while its registration reading is still fresh: the contract's refusal stops it", async () => {
    const fp2 = genesisFp("fp-2");
    const sent: SentRequest[] = [];
    const lines: LogLine[] = [];
    const daemon = await world.daemon("fp-2", {
      wrapTransport: recordSends(sent),
      log: collectingLog(lines),
      // Never read again during the test: the daemon believes it is not slashed and signs the next height.
      registrationTtlMs: 3_600_000,
    });
    const running = daemon.voter.run();
    const head = await l2Head();
    await untilIdle(daemon, head);
    await equivocate("fp-2", daemon, 2);
    const signedBefore = daemon.voter.status().counters.signed;
    const sentBefore = sent.length;

    await world.mine(1);
    expect(await within(running, 15_000, "voter.run() resolves once the contract refuses fp-2")).toBe(
      "slashed",
    );
    const detail = daemon.store.getMeta("slashed");
    expect(detail).toContain(`Finality provider ${fp2.btcPkHex} has been slashed at Babylon height`);
    expect(lines.filter((l) => l.level === "error")).toEqual([
      { level: "error", msg: "finality provider is slashed: signing stopped", fields: { detail } },
    ]);
    // The one height signed before the refusal was sent (and refused); Babylon holds no vote of it.
    expect(daemon.voter.status().counters.signed).toBe(signedBefore + 1);
    expect(sentVotes(sent.slice(sentBefore)).map((v) => v.height)).toEqual([head + 1]);
    expect(await votersAt(world.queries, head + 1, (await blockHash(head + 1)).slice(2))).not.toContain(
      fp2.btcPkHex,
    );
    const sentAfter = sent.length;
    await world.mine(3);
    await sleep(2_000);
    expect(daemon.voter.status().counters.signed).toBe(signedBefore + 1);
    expect(sent.length).toBe(sentAfter);
    await daemon.close();
  }, 120_000);
});
