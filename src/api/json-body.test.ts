import { describe, expect, it } from "vitest";
import { fakeEnv, fakeReaders, memoryKv } from "../../test/support/fake-readers.ts";
import { createApp } from "./app.ts";
import { jsonDepthExceeds, MAX_JSON_DEPTH } from "./json-body.ts";

/** The range route reads its body through `jsonBody`; the submission routes do too (see submissions tests). */
function post(
  body: string | Uint8Array | ReadableStream<Uint8Array> | null,
  headers: Record<string, string>,
) {
  const app = createApp({ deps: { readers: () => fakeReaders(31).readers } });
  // Node's fetch wants `duplex` for a streamed body.
  const init = { method: "POST", headers, body, duplex: "half" } as RequestInit;
  const request = new Request("http://edge.test/v1/chains/op-devnet/finality/range", init);
  return app.request(request, undefined, fakeEnv(memoryKv()));
}

async function problem(res: Response) {
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  return (await res.json()) as { status: number; code: string; field?: string; detail?: string };
}

const range = JSON.stringify({ blocks: [{ number: 1, hash: `0x${"ab".repeat(32)}` }] });

describe("jsonBody: the one reader of JSON request bodies", () => {
  it.each([
    ["text/plain", "text/plain"],
    ["a form", "application/x-www-form-urlencoded"],
    ["multipart", "multipart/form-data; boundary=x"],
    ["garbage", "%%%"],
    ["json as a suffix of something else", "application/jsonx"],
  ])("refuses a JSON body sent as %s with 415 naming the header", async (_, type) => {
    const res = await post(range, { "content-type": type });
    expect(res.status).toBe(415);
    expect(res.headers.get("accept-post")).toBe("application/json");
    expect(await problem(res)).toMatchObject({
      status: 415,
      code: "unsupported_media_type",
      field: "content-type",
    });
  });

  it("refuses a body without any Content-Type (415), but an empty untyped body is only empty (400)", async () => {
    const typeless = await post(new TextEncoder().encode(range), {});
    expect(typeless.status).toBe(415);
    expect((await problem(typeless)).detail).toContain("no Content-Type");
    const empty = await post(null, {});
    expect(await problem(empty)).toMatchObject({ status: 400, code: "invalid_request", field: "body" });
  });

  it.each([
    "application/json",
    "application/json; charset=utf-8",
    "APPLICATION/JSON",
    "application/vnd.api+json",
  ])("takes %s", async (type) => {
    const res = await post(range, { "content-type": type });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ lastFinalized: null });
  });

  it("refuses invalid UTF-8, deep nesting and broken JSON with 400 naming the body", async () => {
    const json = { "content-type": "application/json" };
    const badUtf8 = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]); // {"\xff\xfe":1}
    expect((await problem(await post(badUtf8, json))).detail).toBe("body must be UTF-8 encoded JSON");
    const deep = `${"[".repeat(20_000)}${"]".repeat(20_000)}`;
    expect((await problem(await post(deep, json))).detail).toBe(
      `body nests deeper than ${MAX_JSON_DEPTH} levels`,
    );
    const broken = await problem(await post('{"blocks": [', json));
    expect(broken).toMatchObject({ status: 400, field: "body" });
    expect(broken.detail).toMatch(/^body must be JSON: /);
  });

  it("refuses a body over the limit with 413, whether or not it declares its length", async () => {
    const json = { "content-type": "application/json" };
    const big = JSON.stringify({ blocks: [], pad: "x".repeat(70 * 1024) });
    expect((await problem(await post(big, json))).status).toBe(413);
    // A streamed body has no Content-Length: the reader stops at the limit.
    const chunks = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode(" ".repeat(16 * 1024)));
      },
    });
    const streamed = await post(chunks, json);
    expect(await problem(streamed)).toMatchObject({ status: 413, code: "payload_too_large", field: "body" });
  });
});

describe("jsonDepthExceeds", () => {
  it("counts brackets outside strings only, escapes included", () => {
    expect(jsonDepthExceeds("[[[]]]", 3)).toBe(false);
    expect(jsonDepthExceeds("[[[[]]]]", 3)).toBe(true);
    expect(jsonDepthExceeds(`["[[[[[[", "\\"[[[[[["]`, 1)).toBe(false);
    expect(jsonDepthExceeds(`{"a":{"b":{"c":1}}}`, 2)).toBe(true);
  });
});

describe("jsonBody: keys written twice", () => {
  it("refuses them on routes that do not judge them, naming the first one", async () => {
    const hash = `0x${"ab".repeat(32)}`;
    const res = await post(`{"blocks":[{"number":1,"hash":"${hash}","number":2}]}`, {
      "content-type": "application/json",
    });
    expect(res.status).toBe(400);
    expect(await problem(res)).toMatchObject({
      code: "invalid_request",
      field: "blocks[0].number",
      detail: "key appears more than once in its object",
    });
    // The same key in sibling objects is not a repetition.
    const siblings = `{"blocks":[{"number":1,"hash":"${hash}"},{"number":2,"hash":"${hash}"}]}`;
    expect((await post(siblings, { "content-type": "application/json" })).status).not.toBe(400);
  });
});
