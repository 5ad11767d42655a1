// The FP daemon on the emulator with the babylon transport (the FP's own account signs the txs): it lands votes,
// resumes across a commit boundary from its stored proofs, and skips heights where it has no voting power.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultGenesis } from "../../devnet/babylon/genesis-load.ts";
import { haveAnvil } from "../../devnet/processes.ts";
import { createL2Client, getBlockRef } from "../../src/l2/index.ts";
import {
  collectingLog,
  type DaemonWorld,
  type LogLine,
  startDaemonWorld,
  until,
  votersAt,
} from "./support/fp-daemon-harness.ts";

const genesis = defaultGenesis();
const consumer = genesis.consumers[0];
if (!consumer) throw new Error("the default genesis has no consumer");
// fp-4's only delegation starts far in the BTC future: it is registered but never has voting power.
const powerless = consumer.finalityProviders.find((fp) => fp.account === "fp-4");
if (!powerless) throw new Error("the default genesis has no fp-4");
powerless.delegations = powerless.delegations.map((d) => ({
  ...d,
  startHeight: 900_000,
  endHeight: 964_000,
}));

let world: DaemonWorld;
beforeAll(async () => {
  world = await startDaemonWorld(genesis, 8);
}, 60_000);
afterAll(async () => {
  await world?.stop();
});

const hashAt = async (height: number) => {
  const l2 = createL2Client(world.l2.url, { cacheTime: 0 });
  return (await getBlockRef(l2, height)).hash.slice(2);
};

describe.skipIf(!haveAnvil)("FP daemon on the emulator (babylon transport)", () => {
  it("votes, stops after its second commit lands, and on restart votes the rest of the first commit from stored proofs", async () => {
    const lines: LogLine[] = [];
    const first = await world.daemon("fp-1", { log: collectingLog(lines) });
    const running = first.voter.run();
    // Commit 1 covers 1..20; with 15 heights of margin the daemon commits 21..40 as soon as commit 1 is taken.
    await until(() => (first.store.getHighestVoted() ?? 0) >= 8, 60_000, "fp-1 votes up to the head (8)");
    await until(
      () => first.store.listCommits().some((c) => c.startHeight === 21 && c.state === "accepted"),
      60_000,
      "the second commit is accepted",
    );
    const onChain = await world.queries.listPubRandCommit({ btcPkHex: first.btcPkHex, limit: 10 });
    expect(onChain.map((c) => [c.start_height, c.num_pub_rand])).toEqual([
      [1, 20],
      [21, 20],
    ]);
    const votedBefore = first.voter.status().lastVoted ?? 0;
    await first.close();
    expect(await running).toBe("stopped");

    // Heights 9..20 (commit 1) and 21..30 (commit 2) were never voted; a new process takes over the same file.
    await world.mine(22);
    const restartLines: LogLine[] = [];
    const second = await world.daemon("fp-1", { log: collectingLog(restartLines) });
    expect(second.voter.status().cursor).toBe(votedBefore + 1);
    const rerun = second.voter.run();
    await until(
      () => (second.store.getHighestVoted() ?? 0) >= 30,
      60_000,
      "fp-1 votes up to 30 after the restart",
    );
    for (let height = 1; height <= 30; height++) {
      expect(await votersAt(world.queries, height, await hashAt(height)), `height ${height}`).toContain(
        first.btcPkHex,
      );
    }
    // Nothing was rebuilt from Babylon and nothing given up: the proofs came from the state file.
    expect(restartLines.filter((l) => l.msg.includes("rebuilt"))).toEqual([]);
    expect(second.store.recentSkips(10)).toEqual([]);
    expect(second.voter.status().counters.refused).toEqual({});
    await second.close();
    expect(await rerun).toBe("stopped");
  }, 180_000);

  it("skips every height where it has no voting power, with the reason, and sends no vote for them", async () => {
    const daemon = await world.daemon("fp-4");
    const running = daemon.voter.run();
    const head = Number((await getBlockRef(createL2Client(world.l2.url, { cacheTime: 0 }), "latest")).number);
    await until(() => daemon.voter.status().cursor > head, 60_000, `fp-4 passes the head ${head}`);
    const skips = daemon.store.recentSkips(1_000);
    expect(skips.length).toBe(head);
    for (const skip of skips) {
      expect(skip.reason).toBe("no_voting_power");
      expect(skip.detail).toMatch(/^no voting power at BTC height \d+$/);
    }
    expect(daemon.voter.status().counters.signed).toBe(0);
    expect(await world.queries.highestVotedHeight({ btcPkHex: daemon.btcPkHex })).toBeNull();
    await daemon.close();
    await running;
  }, 120_000);
});
