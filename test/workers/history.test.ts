// The vote-history endpoints over the real local D1 (migrations applied), inside workerd: rows written with the
// coordinator's own statements, read back through the Worker's routes; bad ranges are 400 problem+json.
import { env, exports } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settledHeightStatements } from "../../src/history/record.ts";
import type { SettledHeight } from "../../src/history/types.ts";
import { applyHistoryMigrations } from "./support/history-db.ts";

const CHAIN = "history-l2";
const A = "a1".repeat(32);
const B = "b2".repeat(32);
const hash = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as const;
const url = (path: string) => `http://edge.test/v1/chains/${CHAIN}${path}`;
const get = (path: string) => exports.default.fetch(url(path));

beforeAll(async () => {
  await applyHistoryMigrations();
  await env.FINALITY_KV.put(
    "config/chains",
    JSON.stringify([
      {
        id: CHAIN,
        l2RpcUrl: "http://127.0.0.1:9",
        babylonRpcUrl: "http://127.0.0.1:9",
        babylonChainId: "bbn-devnet",
        contractAddress: "bbn1eaus7dcvyudf3a0c2fmmp78n5yx8l67pkspyqye7qrfmcuxpt9fsuzs5dy",
      },
    ]),
  );
  // 300 grid heights: A votes all, B misses every third.
  const heights: SettledHeight[] = Array.from({ length: 300 }, (_, i) => ({
    number: 1_000 + i,
    hash: hash(1_000 + i),
    timestamp: 1_700_000_000 + i,
    finalizedAt: Math.floor(Date.now() / 1000) - 300 + i,
    btcHeight: 77,
    votes: [
      { fpBtcPk: A, power: 7n, vote: "voted" },
      { fpBtcPk: B, power: 3n, vote: i % 3 === 0 ? "missed" : "voted" },
    ],
  }));
  for (let i = 0; i < heights.length; i += 50) {
    await env.HISTORY_DB.batch(settledHeightStatements(env.HISTORY_DB, CHAIN, heights.slice(i, i + 50), 1));
  }
});

afterAll(async () => {
  await env.FINALITY_KV.delete("config/chains");
  await env.HISTORY_DB.batch([
    env.HISTORY_DB.prepare("DELETE FROM fp_votes WHERE chain = ?").bind(CHAIN),
    env.HISTORY_DB.prepare("DELETE FROM grid_heights WHERE chain = ?").bind(CHAIN),
  ]);
});

describe("vote history endpoints on D1", () => {
  it("answers participation per FP, in JSON and CSV", async () => {
    const res = await get("/participation?from=1000&to=1299");
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBeTruthy();
    const body = (await res.json()) as {
      gridHeights: number;
      recordedTo: number;
      providers: Record<string, unknown>[];
    };
    expect(body).toMatchObject({ gridHeights: 300, recordedTo: 1299 });
    expect(body.providers).toEqual([
      expect.objectContaining({
        fpBtcPk: A,
        gridHeights: 300,
        votes: 300,
        missed: 0,
        participation: 1,
        power: "2100",
      }),
      expect.objectContaining({
        fpBtcPk: B,
        gridHeights: 300,
        votes: 200,
        missed: 100,
        votedPower: "600",
        power: "900",
      }),
    ]);
    const csv = await get("/participation?from=1000&to=1299&format=csv");
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const lines = (await csv.text()).trim().split("\n");
    expect(lines[0]).toBe(
      "fpBtcPk,gridHeights,votes,late,missed,equivocated,participation,powerWeightedParticipation,votedPower,power",
    );
    expect(lines[2]).toMatch(new RegExp(`^${B},300,200,0,100,0,0\\.666`));
  });

  it("pages one FP's votes with a cursor until the range ends", async () => {
    const heights: number[] = [];
    let cursor = "";
    for (let page = 0; page < 10; page++) {
      const res = await get(`/finality-providers/${B}/votes?from=1100&to=1299&limit=64${cursor}`);
      const body = (await res.json()) as {
        votes: { block: { number: number }; vote: string }[];
        nextCursor: string | null;
      };
      heights.push(...body.votes.map((v) => v.block.number));
      if (!body.nextCursor) break;
      cursor = `&cursor=${body.nextCursor}`;
    }
    expect(heights).toEqual(Array.from({ length: 200 }, (_, i) => 1_100 + i));
  });

  it("returns the newest heights with every FP's vote, and the lag series", async () => {
    const body = (await (await get("/vote-history?limit=3")).json()) as {
      recordedTo: number;
      heights: { block: { number: number; hash: string }; votes: { fpBtcPk: string; vote: string }[] }[];
    };
    expect(body.recordedTo).toBe(1299);
    expect(body.heights.map((h) => h.block.number)).toEqual([1297, 1298, 1299]);
    expect(body.heights[0]?.block.hash).toBe(hash(1297));
    expect(body.heights[0]?.votes).toEqual([
      { fpBtcPk: A, power: "7", vote: "voted" },
      { fpBtcPk: B, power: "3", vote: "missed" },
    ]);
    const lag = (await (await get("/lag-history?minutes=60")).json()) as { points: { number: number }[] };
    expect(lag.points.length).toBeGreaterThan(0);
    expect(lag.points.length).toBeLessThanOrEqual(720);
    expect(lag.points.at(-1)?.number).toBe(1299);
  });

  it.each([
    ["/participation?from=10", "to", "invalid_request"],
    ["/participation?from=10&to=5", "to", "invalid_request"],
    ["/participation?from=0&to=100000", "to", "invalid_request"],
    ["/participation?from=-1&to=5", "from", "invalid_request"],
    ["/participation?from=1&to=5&format=xml", "format", "invalid_request"],
    [`/finality-providers/${B}/votes?from=1&to=5&cursor=zzz`, "cursor", "invalid_request"],
    [`/finality-providers/${B}/votes?from=1&to=5&limit=1001`, "limit", "invalid_request"],
    ["/finality-providers/XYZ/votes?from=1&to=5", "fpBtcPk", "invalid_request"],
    ["/vote-history?limit=201", "limit", "invalid_request"],
    ["/lag-history?minutes=0", "minutes", "invalid_request"],
  ])("refuses %s naming %s", async (path, field, code) => {
    const res = await get(path);
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(await res.json()).toMatchObject({ code, field });
  });

  it("answers an unknown chain with 404", async () => {
    const res = await exports.default.fetch("http://edge.test/v1/chains/nope/participation?from=1&to=2");
    expect(res.status).toBe(404);
  });
});
