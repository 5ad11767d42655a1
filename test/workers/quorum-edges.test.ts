import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { createApp } from "../../src/api/app.ts";

// Quorum edges against the REAL emulator with the `edge-powers` genesis (support/powers-devnet.ts): exactly 2/3,
// a delegation that ends between two blocks voted by the same FPs, and a slashed FP whose vote no longer counts.
const powersEnv = { ...env, CHAINS: inject("powersChains") } as Env;
const app = createApp();
const votes = JSON.parse(inject("powersVotes")) as {
  blocks: { number: number; hash: string; voters: string[] }[];
  publicKeys: Record<string, string>;
};
const M = 1_000_000;

type Finality = {
  block: { number: number; hash: string };
  status: string;
  finalized: boolean;
  btcHeight: number | null;
  quorum: { votedPower: string; totalPower: string; threshold: string; reached: boolean } | null;
  voters: { fpBtcPk: string; power: string }[];
};

async function finality(height: number): Promise<Finality> {
  const res = await app.fetch(
    new Request(`http://edge.test/v1/chains/edge-powers/blocks/${height}/finality`),
    powersEnv,
  );
  expect(res.status).toBe(200);
  const body = (await res.json()) as Finality;
  const planned = votes.blocks.find((b) => b.number === height);
  expect(body.block.hash).toBe(planned?.hash);
  return body;
}
const powerOf = (body: Finality, fp: string) =>
  body.voters.find((v) => v.fpBtcPk === votes.publicKeys[fp])?.power;

describe("quorum edges on the real emulator (edge-powers genesis)", () => {
  it("finalizes at exactly 2/3 (6M of 9M): 3·voted ≥ 2·total", async () => {
    const body = await finality(1);
    expect(body.quorum).toEqual({
      votedPower: String(6 * M),
      totalPower: String(9 * M),
      threshold: String(6 * M),
      reached: true,
    });
    expect(body).toMatchObject({ status: "finalized", finalized: true, btcHeight: 200 });
  });

  it("counts a delegation only while it is active: the same voters fall below 2/3 once it ended", async () => {
    const before = await finality(2);
    expect(before).toMatchObject({ status: "finalized", finalized: true });
    expect(powerOf(before, "fp-3")).toBe(String(3 * M));
    expect(before.quorum).toMatchObject({ votedPower: String(6 * M), totalPower: String(9 * M) });

    const after = await finality(4);
    expect(after.btcHeight).toBeGreaterThanOrEqual(202);
    expect(powerOf(after, "fp-3")).toBe(String(1 * M));
    expect(after.quorum).toEqual({
      votedPower: String(4 * M),
      totalPower: String(7 * M),
      threshold: String(Math.ceil((2 * 7 * M) / 3)),
      reached: false,
    });
    expect(after).toMatchObject({ status: "pending", finalized: false });
  });

  it("gives a slashed FP no power: its vote does not count and its stake leaves the total", async () => {
    const body = await finality(5);
    // With fp-4's 5M this would be 8M of 12M, a quorum.
    expect(powerOf(body, "fp-4")).toBe("0");
    expect(body.quorum).toMatchObject({
      votedPower: String(3 * M),
      totalPower: String(7 * M),
      reached: false,
    });
    expect(body.finalized).toBe(false);

    const res = await app.fetch(
      new Request("http://edge.test/v1/chains/edge-powers/finality-providers"),
      powersEnv,
    );
    expect(res.status).toBe(200);
    const table = (await res.json()) as { providers: { fpBtcPk: string; power: string; slashed: boolean }[] };
    expect(table.providers.find((p) => p.fpBtcPk === votes.publicKeys["fp-4"])).toMatchObject({
      power: "0",
      slashed: true,
    });
    expect(table.providers.filter((p) => p.slashed)).toHaveLength(1);
  });

  it("stops the finalized prefix before the block whose quorum the ended delegation broke", async () => {
    const blocks = votes.blocks.map((b) => ({ number: b.number, hash: b.hash }));
    const res = await app.fetch(
      new Request("http://edge.test/v1/chains/edge-powers/finality/range", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ blocks }),
      }),
      powersEnv,
    );
    expect(await res.json()).toEqual({
      lastFinalized: { number: 3, hash: votes.blocks.find((b) => b.number === 3)?.hash },
    });
  });
});
