import { describe, expect, it } from "vitest";
import { fakeFetch, json, problem, type Recorded } from "../../test/fake-fetch.ts";
import { createFinalityClient } from "../client.ts";
import { InvalidRequestError, InvalidResponseError, SubmissionRefusedError } from "../errors/index.ts";

const vote = (height: number) => ({ fp_pubkey_hex: "aa", height }) as never;
const votes = (n: number) => Array.from({ length: n }, (_, i) => vote(i));

/** An edge that queues every message (id `v_<height>`). */
const accepting = (r: Recorded) =>
  json(202, {
    submissions: (r.body as { height: number }[]).map((m) => ({
      id: `v_${m.height}`,
      status: "queued",
      equivocation: false,
    })),
  });

const clientWith = (handler: (r: Recorded) => Response | Promise<Response>) => {
  const fake = fakeFetch(handler);
  return {
    ...fake,
    client: createFinalityClient({
      url: "http://e",
      chain: "c",
      fetch: fake.fetch,
      retry: { baseDelayMs: 1 },
    }),
  };
};

describe("submitFinalitySignatures / commitPublicRandomness", () => {
  it("sends any number in chunks of ≤ 100 and answers one entry per message, in order", async () => {
    const { client, calls } = clientWith(accepting);
    const answers = await client.submitFinalitySignatures(votes(250));
    expect(calls.map((c) => (c.body as unknown[]).length)).toEqual([100, 100, 50]);
    expect(answers.map((a) => a.id)).toEqual(votes(250).map((_, i) => `v_${i}`));
    const smaller = clientWith(accepting);
    await smaller.client.commitPublicRandomness(votes(60), { chunkSize: 25 });
    expect(smaller.calls.map((c) => [c.url, (c.body as unknown[]).length])).toEqual([
      ["http://e/v1/chains/c/public-randomness", 25],
      ["http://e/v1/chains/c/public-randomness", 25],
      ["http://e/v1/chains/c/public-randomness", 10],
    ]);
  });

  it("nothing to send: no request", async () => {
    const { client, calls } = clientWith(accepting);
    expect(await client.submitFinalitySignatures([])).toEqual([]);
    expect(calls).toHaveLength(0);
  });

  it("retries a chunk the edge could not take (same body), per Retry-After", async () => {
    let n = 0;
    const { client, calls } = clientWith((r) =>
      ++n === 2 ? problem(503, "upstream_unavailable", { headers: { "retry-after": "0" } }) : accepting(r),
    );
    const answers = await client.submitFinalitySignatures(votes(150));
    expect(answers).toHaveLength(150);
    expect(calls.map((c) => (c.body as { height: number }[])[0]?.height)).toEqual([0, 100, 100]);
    expect(calls[2]?.body).toEqual(calls[1]?.body);
  });

  it("a refusal names the message by its index in the caller's whole list", async () => {
    const { client } = clientWith((r) => {
      const body = r.body as { height: number }[];
      const at = body.findIndex((m) => m.height === 137);
      return at >= 0
        ? problem(422, "eots_error", {
            field: `[${at}].signature`,
            detail: "EOTS signature verification failed",
          })
        : accepting(r);
    });
    const error = await client.submitFinalitySignatures(votes(250)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SubmissionRefusedError);
    expect(error).toMatchObject({
      code: "eots_error",
      status: 422,
      field: "[137].signature",
      detail: "EOTS signature verification failed",
    });
    expect((error as Error).message).toContain("Field: [137].signature");
  });

  it("one message per request: the edge names the bare field, the SDK adds the index", async () => {
    const { client } = clientWith((r) =>
      (r.body as { height: number }[])[0]?.height === 2
        ? problem(422, "missing_pub_rand_commit", { field: "height" })
        : accepting(r),
    );
    const error = await client.submitFinalitySignatures(votes(4), { chunkSize: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "missing_pub_rand_commit", field: "[2].height" });
    const noField = clientWith(() => problem(403, "finality_provider_not_allowed"));
    const refused = await noField.client.submitFinalitySignatures([vote(0)]).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "finality_provider_not_allowed", field: "[0]" });
  });

  it("problems about the request as a whole keep their field", async () => {
    const { client } = clientWith(() => problem(413, "payload_too_large", { field: "body" }));
    const error = await client.submitFinalitySignatures(votes(3)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ code: "payload_too_large", field: "body", status: 413 });
  });

  it("refuses non-object messages, and an answer with the wrong number of entries", async () => {
    const { client, calls } = clientWith(accepting);
    const bad = await client.submitFinalitySignatures([vote(1), "x" as never]).catch((e: unknown) => e);
    expect(bad).toMatchObject({ name: "InvalidRequestError", field: "[1]" });
    expect(calls).toHaveLength(0);
    const short = clientWith(() => json(202, { submissions: [] }));
    await expect(short.client.submitFinalitySignatures(votes(2))).rejects.toBeInstanceOf(
      InvalidResponseError,
    );
  });
});
