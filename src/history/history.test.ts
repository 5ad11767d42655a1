import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sqliteD1 } from "../../test/support/sqlite-d1.ts";
import { fpVotes, heightVotes, lagPoints, participation, recordedTo } from "./read.ts";
import { lateVoteStatements, pruneStatements, settledHeightStatements } from "./record.ts";
import type { SettledHeight, VoteKind } from "./types.ts";

const A = "a".repeat(64);
const B = "b".repeat(64);
const C = "c".repeat(64);
const hash = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as const;

function height(
  number: number,
  votes: [string, bigint, VoteKind][],
  finalizedAt = 1_000 + number,
): SettledHeight {
  return {
    number,
    hash: hash(number),
    timestamp: 900 + number,
    finalizedAt,
    btcHeight: 50,
    votes: votes.map(([fpBtcPk, power, vote]) => ({ fpBtcPk, power, vote })),
  };
}

describe("vote history (D1 SQL on SQLite)", () => {
  let db: ReturnType<typeof sqliteD1>;
  beforeEach(() => {
    db = sqliteD1();
  });
  afterEach(() => db.close());

  const record = (...heights: SettledHeight[]) => db.batch(settledHeightStatements(db, "l2", heights, 5_000));

  it("counts votes, misses and equivocations per FP, power-weighted, over the recorded heights of a range", async () => {
    await record(
      height(10, [
        [A, 6n, "voted"],
        [B, 3n, "voted"],
        [C, 1n, "missed"],
      ]),
      height(11, [
        [A, 6n, "voted"],
        [B, 3n, "missed"],
        [C, 1n, "equivocated"],
      ]),
      height(12, [
        [A, 6n, "missed"],
        [B, 3n, "voted"],
      ]),
    );
    const all = await participation(db, "l2", 10, 12);
    expect(all.gridHeights).toBe(3);
    const byFp = Object.fromEntries(all.providers.map((p) => [p.fpBtcPk, p]));
    expect(byFp[A]).toMatchObject({
      gridHeights: 3,
      votes: 2,
      missed: 1,
      late: 0,
      equivocated: 0,
      votedPower: "12",
      power: "18",
    });
    expect(byFp[A]?.participation).toBeCloseTo(2 / 3, 6);
    expect(byFp[A]?.powerWeightedParticipation).toBeCloseTo(2 / 3, 6);
    expect(byFp[B]).toMatchObject({ votes: 2, missed: 1 });
    expect(byFp[C]).toMatchObject({ gridHeights: 2, votes: 0, missed: 1, equivocated: 1, participation: 0 });
    // A narrower range sees only its heights; another chain sees nothing.
    expect((await participation(db, "l2", 11, 11)).providers.find((p) => p.fpBtcPk === A)?.votes).toBe(1);
    expect(await participation(db, "other", 10, 12)).toEqual({ gridHeights: 0, providers: [] });
    expect(await recordedTo(db, "l2")).toBe(12);
    expect(await recordedTo(db, "other")).toBeNull();
  });

  it("stores the voted and total power of a height, and recording it again replaces it (no double count)", async () => {
    const first = height(20, [
      [A, 6n, "voted"],
      [B, 3n, "missed"],
    ]);
    await record(first);
    await record({
      ...first,
      votes: [
        { fpBtcPk: A, power: 6n, vote: "voted" },
        { fpBtcPk: B, power: 3n, vote: "voted" },
      ],
    });
    const [h] = await heightVotes(db, "l2", { from: 0, to: 100, limit: 10 });
    expect(h).toMatchObject({
      block: { number: 20, hash: hash(20) },
      votedPower: "9",
      totalPower: "9",
      btcHeight: 50,
    });
    expect(h?.votes.map((v) => v.vote)).toEqual(["voted", "voted"]);
    expect((await participation(db, "l2", 0, 100)).providers.map((p) => p.gridHeights)).toEqual([1, 1]);
  });

  it("turns a missed row into late once, for the recorded hash only, adding its power", async () => {
    await record(
      height(30, [
        [A, 6n, "voted"],
        [B, 3n, "missed"],
      ]),
    );
    const wrongHash = await db.batch(
      lateVoteStatements(db, "l2", [{ height: 30, hash: hash(99), fpBtcPk: B }]),
    );
    expect(wrongHash.map((r) => r.meta.changes)).toEqual([0, 0]);
    const late = await db.batch(lateVoteStatements(db, "l2", [{ height: 30, hash: hash(30), fpBtcPk: B }]));
    expect(late.map((r) => r.meta.changes)).toEqual([1, 1]);
    const again = await db.batch(lateVoteStatements(db, "l2", [{ height: 30, hash: hash(30), fpBtcPk: B }]));
    expect(again.map((r) => r.meta.changes)).toEqual([0, 0]);
    const [h] = await heightVotes(db, "l2", { from: 30, to: 30, limit: 1 });
    expect(h?.votedPower).toBe("9");
    expect(h?.votes.find((v) => v.fpBtcPk === B)?.vote).toBe("late");
    const b = (await participation(db, "l2", 30, 30)).providers.find((p) => p.fpBtcPk === B);
    expect(b).toMatchObject({ votes: 0, late: 1, missed: 0, participation: 1, votedPower: "3" });
  });

  it("pages one FP's votes with a cursor, ascending, without gaps or repeats", async () => {
    await record(
      ...Array.from({ length: 25 }, (_, i) => height(100 + i, [[A, 1n, i % 5 === 0 ? "missed" : "voted"]])),
    );
    const seen: number[] = [];
    let after = -1;
    for (let pages = 0; pages < 10; pages++) {
      const page = await fpVotes(db, "l2", A, { from: 105, to: 200, after, limit: 7 });
      seen.push(...page.votes.map((v) => v.block.number));
      if (page.next === null) break;
      after = page.next;
    }
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => 105 + i));
    const first = await fpVotes(db, "l2", A, { from: 100, to: 100, after: -1, limit: 5 });
    expect(first).toEqual({
      votes: [{ block: { number: 100, hash: hash(100) }, btcHeight: 50, power: "1", vote: "missed" }],
      next: null,
    });
  });

  it("keeps exact power sums past 2^53 (decimal strings from SQLite's integers)", async () => {
    const big = 2n ** 52n;
    await record(
      height(1, [[A, big, "voted"]]),
      height(2, [[A, big, "voted"]]),
      height(3, [[A, big, "missed"]]),
    );
    const [a] = (await participation(db, "l2", 1, 3)).providers;
    expect(a?.power).toBe((big * 3n).toString());
    expect(a?.votedPower).toBe((big * 2n).toString());
    expect(a?.powerWeightedParticipation).toBeCloseTo(2 / 3, 6);
  });

  it("returns the newest heights of a range for the heatmap, and thins the lag series to the limit", async () => {
    await record(...Array.from({ length: 30 }, (_, i) => height(i + 1, [[A, 1n, "voted"]], 2_000 + i)));
    const newest = await heightVotes(db, "l2", { from: 0, to: 1_000, limit: 5 });
    expect(newest.map((h) => h.block.number)).toEqual([26, 27, 28, 29, 30]);
    const points = await lagPoints(db, "l2", 2_010, 7);
    expect(points.length).toBeLessThanOrEqual(8);
    expect(points[0]?.number).toBe(11);
    expect(points.at(-1)).toEqual({ number: 30, timestamp: 930, finalizedAt: 2_029 });
  });

  it("prunes heights finalized before the retention cut, with their FP rows", async () => {
    await record(height(1, [[A, 1n, "voted"]], 100), height(2, [[A, 1n, "voted"]], 300));
    await db.batch(pruneStatements(db, "l2", 200));
    expect((await heightVotes(db, "l2", { from: 0, to: 10, limit: 10 })).map((h) => h.block.number)).toEqual([
      2,
    ]);
    expect((await participation(db, "l2", 0, 10)).providers[0]?.gridHeights).toBe(1);
  });
});
