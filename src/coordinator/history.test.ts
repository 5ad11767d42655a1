import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FP, fakeEnv, fakeReaders, memoryKv } from "../../test/support/fake-readers.ts";
import { sqliteD1 } from "../../test/support/sqlite-d1.ts";
import { sqliteStore } from "../../test/support/sqlite-store.ts";
import { bytesToBase64, hexToBytes } from "../crypto/index.ts";
import { heightVotes, participation } from "../history/read.ts";
import type { QueuedSubmission } from "../submission/types.ts";
import { createCoordinator } from "./coordinator.ts";
import { noteEquivocation } from "./watch-babylon.ts";

const CHAIN = "op-devnet";
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A coordinator over fake readers (grid 10, 15, 20, … on a 31-block chain; FPs a, b, c of 100 sat each). */
function setup(
  o: {
    settleSeconds?: number;
    path?: string;
    db?: ReturnType<typeof sqliteD1>;
    fake?: ReturnType<typeof fakeReaders>;
  } = {},
) {
  const fake = o.fake ?? fakeReaders(31);
  const db = o.db ?? sqliteD1();
  const env = fakeEnv(memoryKv(), [CHAIN]) as Env & Record<string, unknown>;
  env.HISTORY_DB = db;
  env.HISTORY_SETTLE_SECONDS = String(o.settleSeconds ?? 0);
  const pending: Promise<unknown>[] = [];
  const sql = sqliteStore(o.path);
  const coordinator = createCoordinator({
    sql,
    env,
    setAlarm: () => undefined,
    getAlarm: async () => null,
    waitUntil: (p) => void pending.push(p.catch(() => undefined)),
    readers: () => fake.readers,
  });
  coordinator.migrate();
  const tick = async () => {
    await coordinator.tick(CHAIN, "alarm");
    await Promise.all(pending.splice(0));
  };
  return { fake, db, sql, coordinator, tick };
}

function landedVote(
  fp: string,
  height: number,
  hash: string,
): Parameters<ReturnType<typeof createCoordinator>["apply"]>[1][number] {
  const item = {
    id: `vote-${fp.slice(0, 4)}-${height}`,
    chain: CHAIN,
    kind: "vote",
    fpBtcPkHex: fp,
    height: String(height),
    msg: { block_hash: bytesToBase64(hexToBytes(hash.slice(2))) },
    equivocation: false,
    acceptedAt: 0,
  } as unknown as QueuedSubmission;
  return {
    item,
    status: { status: "submitted", txHash: "AB", babylonHeight: 7 },
    attempts: 1,
    settled: true,
  };
}

describe("the coordinator records settled grid heights in the vote history", () => {
  it("records every finalized grid height with each FP's part, as the contract's voters say", async () => {
    const { fake, db, coordinator, tick } = setup();
    fake.vote([10, 15, 20], [FP.a, FP.b]);
    fake.vote([25], [FP.a, FP.c]);
    await tick(); // the tip moves to 25 (30 has no votes) and the grid heights are queued
    await tick(); // due at once (settle 0): written
    const heights = await heightVotes(db, CHAIN, { from: 0, to: 100, limit: 100 });
    expect(heights.map((h) => h.block.number)).toEqual([10, 15, 20, 25]);
    expect(heights[0]).toMatchObject({
      block: { hash: fake.hash(10) },
      votedPower: "200",
      totalPower: "300",
      btcHeight: 100,
    });
    const p = await participation(db, CHAIN, 10, 25);
    expect(p.gridHeights).toBe(4);
    // Recounted from the fake contract's block_voters: a voted 4, b 3, c 1.
    const count = (fp: string) => p.providers.find((x) => x.fpBtcPk === fp);
    expect(count(FP.a)).toMatchObject({ votes: 4, missed: 0 });
    expect(count(FP.b)).toMatchObject({ votes: 3, missed: 1 });
    expect(count(FP.c)).toMatchObject({ votes: 1, missed: 3 });
    // Each grid height is counted once however often the coordinator ticks.
    await tick();
    await tick();
    expect((await participation(db, CHAIN, 10, 25)).providers.map((x) => x.gridHeights)).toEqual([4, 4, 4]);
    // The missed-votes counters behind /metrics: b 1, c 3 (each height once).
    const counters = coordinator.counters(CHAIN);
    expect(counters[`history.missed.${FP.b}`]).toBe(1);
    expect(counters[`history.missed.${FP.c}`]).toBe(3);
    expect(counters[`history.missed.${FP.a}`]).toBeUndefined();
  });

  it("reads the votes when the height settles, not when it reached quorum", async () => {
    const { fake, db, tick } = setup({ settleSeconds: 0 });
    fake.vote([10], [FP.a, FP.b]);
    await tick();
    // c's vote lands after quorum but before the height settles (the next tick writes it).
    fake.vote([10], [FP.a, FP.b, FP.c]);
    await tick();
    const [h] = await heightVotes(db, CHAIN, { from: 10, to: 10, limit: 1 });
    expect(h?.votes.map((v) => v.vote)).toEqual(["voted", "voted", "voted"]);
    expect(h?.votedPower).toBe("300");
  });

  it("turns a missed height into late when the edge relays the FP's vote after the height settled", async () => {
    const { fake, db, coordinator, tick } = setup();
    fake.vote([10, 15], [FP.a, FP.b]);
    await tick();
    await tick();
    expect((await participation(db, CHAIN, 10, 15)).providers.find((x) => x.fpBtcPk === FP.c)?.missed).toBe(
      2,
    );
    await coordinator.apply(CHAIN, [landedVote(FP.c, 15, fake.hash(15))], {});
    // A vote for another block at the same height changes nothing.
    await coordinator.apply(CHAIN, [landedVote(FP.c, 10, `0x${"99".repeat(32)}`)], {});
    await tick();
    const c = (await participation(db, CHAIN, 10, 15)).providers.find((x) => x.fpBtcPk === FP.c);
    expect(c).toMatchObject({ votes: 0, late: 1, missed: 1 });
    const [, h15] = await heightVotes(db, CHAIN, { from: 10, to: 15, limit: 5 });
    expect(h15?.votedPower).toBe("300");
  });

  it("marks an FP recorded as equivocating at a height", async () => {
    const { fake, db, sql, tick } = setup({ settleSeconds: 3600 });
    fake.vote([10], [FP.a, FP.b, FP.c]);
    await tick();
    noteEquivocation(sql, FP.c, 10);
    sql.exec("UPDATE history_outbox SET due_at = 0");
    await tick();
    const [h] = await heightVotes(db, CHAIN, { from: 10, to: 10, limit: 1 });
    expect(h?.votes.find((v) => v.fpBtcPk === FP.c)?.vote).toBe("equivocated");
    expect(h?.votedPower).toBe("200");
  });

  it("loses no height when D1 fails, and none across a restart before the write", async () => {
    const dir = mkdtempSync(join(tmpdir(), "history-restart-"));
    dirs.push(dir);
    const path = join(dir, "coordinator.sqlite");
    const db = sqliteD1();
    const fake = fakeReaders(31);
    fake.vote([10, 15], [FP.a, FP.b, FP.c]);
    // Long settle: the heights are queued, then the object "restarts" before they are due.
    const first = setup({ settleSeconds: 3600, path, db, fake });
    await first.tick();
    expect(await heightVotes(db, CHAIN, { from: 0, to: 100, limit: 10 })).toEqual([]);
    (first.sql as unknown as { close(): void }).close();
    const second = setup({ settleSeconds: 0, path, db, fake });
    second.sql.exec("UPDATE history_outbox SET due_at = 0");
    db.failNext(new Error("D1_ERROR: storage unavailable"));
    await second.tick();
    expect(await heightVotes(db, CHAIN, { from: 0, to: 100, limit: 10 })).toEqual([]);
    await second.tick();
    expect(
      (await heightVotes(db, CHAIN, { from: 0, to: 100, limit: 10 })).map((h) => h.block.number),
    ).toEqual([10, 15]);
    fake.vote([20], [FP.a, FP.b, FP.c]);
    await second.tick();
    await second.tick();
    expect(
      (await heightVotes(db, CHAIN, { from: 0, to: 100, limit: 10 })).map((h) => h.block.number),
    ).toEqual([10, 15, 20]);
  });
});
