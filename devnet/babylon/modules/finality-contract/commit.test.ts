import { describe, expect, it } from "vitest";
import { base64ToBytes, bytesToBase64 } from "../../../../src/crypto/index.ts";
import { parseContractJson } from "./index.ts";
import { ADMIN, type Deployed, deployContract, expectContractError, hexOf } from "./test-support.ts";

type CommitBody = Record<string, unknown>;

async function commitMsg(d: Deployed, start = 10, num = 8, signer = d.fp1): Promise<CommitBody> {
  return (await signer.commitPublicRandomness({ startHeight: start, numPubRand: num })).msg
    .commit_public_randomness as unknown as CommitBody;
}
const commit = (body: CommitBody) => ({ commit_public_randomness: body });

describe("commit_public_randomness (§9.1)", () => {
  it("stores the commit with the interval and current epoch, and emits the event", async () => {
    const d = deployContract();
    d.host.epoch = 7;
    const body = await commitMsg(d);
    const response = d.exec(3, commit(body));
    expect(response).toEqual({
      attributes: [],
      events: [
        {
          type: "public_randomness_commit",
          attributes: [
            { key: "fp_pubkey_hex", value: d.fp1.publicKeyHex },
            { key: "pr_commit.start_height", value: "10" },
            { key: "pr_commit.num_pub_rand", value: "8" },
          ],
        },
      ],
      messages: [],
    });
    expect(d.query({ last_pub_rand_commit: { btc_pk_hex: d.fp1.publicKeyHex } })).toEqual({
      start_height: 10,
      num_pub_rand: 8,
      interval: 5,
      babylon_epoch: 7,
      commitment: Array.from(base64ToBytes(body.commitment as string)),
    });
  });

  it("1. empty key", async () => {
    const d = deployContract();
    const body = await commitMsg(d);
    expectContractError(
      () => d.exec(3, commit({ ...body, fp_pubkey_hex: "", signature: "" })),
      "Empty finality provider BTC public key",
    );
  });

  it("2. empty signature", async () => {
    const d = deployContract();
    const body = await commitMsg(d);
    expectContractError(
      () => d.exec(3, commit({ ...body, signature: "", commitment: "" })),
      "Empty signature from the delegator",
    );
  });

  it("3. signature length", async () => {
    const d = deployContract();
    const body = await commitMsg(d);
    const short = bytesToBase64(base64ToBytes(body.signature as string).slice(0, 63));
    expectContractError(
      () => d.exec(3, commit({ ...body, signature: short, commitment: "" })),
      "Invalid signature length: expected 64 bytes, got 63",
    );
  });

  it("5. commitment length", async () => {
    const d = deployContract();
    const body = await commitMsg(d);
    const short = bytesToBase64(base64ToBytes(body.commitment as string).slice(0, 31));
    expectContractError(
      () => d.exec(3, commit({ ...body, commitment: short, num_pub_rand: 0 })),
      "Invalid commitment length: expected 32 bytes, got 31",
    );
  });

  it("6. num_pub_rand 0 reports overflow (not too few), as does a u64 overflow", async () => {
    const d = deployContract();
    const body = await commitMsg(d);
    expectContractError(
      () => d.exec(3, commit({ ...body, start_height: 600, num_pub_rand: 0, fp_pubkey_hex: "zz" })),
      "Block height overflow detected for start height 600",
    );
    const json = parseContractJson(
      `{"commit_public_randomness":{"fp_pubkey_hex":"${body.fp_pubkey_hex}","start_height":18446744073709551615,"num_pub_rand":8,"commitment":"${body.commitment}","signature":"${body.signature}"}}`,
    );
    expectContractError(
      () => d.exec(3, json),
      "Block height overflow detected for start height 18446744073709551615",
    );
  });

  it("7. too few values", async () => {
    const d = deployContract({ config: { min_pub_rand: 200 } });
    const body = await commitMsg(d);
    expectContractError(
      () => d.exec(3, commit({ ...body, fp_pubkey_hex: "zz" })),
      "Too few public randomness values: given 8, required minimum 200",
    );
  });

  it("8. key hex", async () => {
    const d = deployContract();
    const body = await commitMsg(d);
    expectContractError(
      () => d.exec(3, commit({ ...body, fp_pubkey_hex: `z${hexOf("x").slice(1)}` })),
      "Invalid character 'z' at position 0",
    );
    expectContractError(() => d.exec(3, commit({ ...body, fp_pubkey_hex: "abc" })), "Odd number of digits");
  });

  it("9. not in the current allowlist (reported as lowercase hex)", async () => {
    const d = deployContract({ allowlist: [] });
    const body = await commitMsg(d);
    expectContractError(
      () => d.exec(3, commit({ ...body, fp_pubkey_hex: (body.fp_pubkey_hex as string).toUpperCase() })),
      `Finality provider ${d.fp1.publicKeyHex} is not in the allowlist`,
    );
  });

  it("10. unknown to Babylon: the redacted querier error", async () => {
    const d = deployContract();
    d.host.fps.delete(d.fp1.publicKeyHex);
    const body = await commitMsg(d);
    expectContractError(
      () => d.exec(3, commit(body)),
      "Generic error: Querier contract error: codespace: btcstaking, code: 1100",
    );
    // A key Babylon cannot parse (33 bytes) fails inside Babylon's gRPC handler instead.
    const odd = `02${d.fp1.publicKeyHex}`;
    d.exec(3, { add_to_allowlist: { fp_pubkey_hex_list: [odd] } }, ADMIN);
    expectContractError(
      () => d.exec(3, commit({ ...body, fp_pubkey_hex: odd })),
      "Generic error: Querier contract error: codespace: undefined, code: 1",
    );
  });

  it("10. slashed on Babylon → slashed; BTC-only slashing and another BSN do not matter for commits", async () => {
    const d = deployContract();
    const body = await commitMsg(d);
    d.host.register(d.fp1.publicKeyHex, { slashedBabylonHeight: 170 });
    expectContractError(
      () => d.exec(3, commit({ ...body, fp_pubkey_hex: (body.fp_pubkey_hex as string).toUpperCase() })),
      `Finality provider ${d.fp1.publicKeyHex.toUpperCase()} has been slashed at Babylon height 170 and BTC height 0`,
    );
    d.host.register(d.fp1.publicKeyHex, { slashedBtcHeight: 9, bsnId: "other-bsn" });
    expect(d.exec(3, commit(body)).events).toHaveLength(1);
  });

  it("11. rate limit per FP per window; a failed message does not consume the budget", async () => {
    const d = deployContract({ config: { max_msgs_per_interval: 2, rate_limiting_interval: 10 } });
    const first = await commitMsg(d, 10, 8);
    const second = await commitMsg(d, 50, 8);
    const third = await commitMsg(d, 90, 8);
    d.exec(20, commit(first));
    // Passes the rate limit, then fails on its signature: the counter increment is reverted too.
    const badSignature = { ...second, signature: third.signature };
    expectContractError(() => d.exec(21, commit(badSignature)), "signature error");
    d.exec(22, commit(second));
    expectContractError(
      () => d.exec(29, commit(third)),
      `Rate limit exceeded for finality provider ${d.fp1.publicKeyHex} with limit 2`,
    );
    // The other FP has its own counter; a new window (height 30 → window 3) resets it.
    d.exec(29, commit(await commitMsg(d, 10, 8, d.fp2)));
    d.exec(30, commit(third));
  });

  it("12. signature that does not verify", async () => {
    const d = deployContract();
    const body = await commitMsg(d);
    const other = await commitMsg(d, 15, 8);
    expectContractError(() => d.exec(3, commit({ ...body, signature: other.signature })), "signature error");
  });

  it("14. commits must strictly advance past the last one; gaps are fine", async () => {
    const d = deployContract();
    d.exec(3, commit(await commitMsg(d, 10, 8))); // heights 10..45 → next 50
    const overlapping = await commitMsg(d, 45, 4);
    expectContractError(
      () => d.exec(3, commit(overlapping)),
      "The start height (45) has overlap with the height of the highest public randomness committed (50)",
    );
    d.exec(3, commit(await commitMsg(d, 100, 4)));
    expect(d.query({ list_pub_rand_commit: { btc_pk_hex: d.fp1.publicKeyHex } })).toHaveLength(2);
  });

  it("a failed commit leaves the committed store untouched", async () => {
    const d = deployContract();
    const before = JSON.stringify(d.store.dump());
    const body = await commitMsg(d);
    const signature = base64ToBytes(body.signature as string);
    signature[63] = (signature[63] as number) ^ 1;
    expectContractError(
      () => d.exec(3, commit({ ...body, signature: bytesToBase64(signature) })),
      "signature error",
    );
    expect(JSON.stringify(d.store.dump())).toBe(before);
  });
});
