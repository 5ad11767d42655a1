import { describe, expect, it } from "vitest";
import { BaseError } from "../../../src/errors/base.ts";
import {
  errorFromAnswer,
  FinalityEdgeError,
  HttpStatusError,
  InvalidRequestError,
  isRetryable,
  NetworkError,
  NotFoundError,
  type Problem,
  RateLimitedError,
  SubmissionRefusedError,
  TimeoutError,
  UpstreamUnavailableError,
} from "./index.ts";

const problemOf = (status: number, code: string, more: Partial<Problem> = {}): Problem => ({
  type: `https://finality-edge.dev/problems/${code}`,
  title: `Title of ${code}`,
  status,
  code,
  ...more,
});

describe("errorFromAnswer: status → class, problem → fields", () => {
  const cases: [number, string, abstract new (...args: never[]) => FinalityEdgeError][] = [
    [400, "invalid_request", InvalidRequestError],
    [400, "parse_error", InvalidRequestError],
    [413, "payload_too_large", InvalidRequestError],
    [415, "unsupported_media_type", InvalidRequestError],
    [403, "finality_provider_not_allowed", SubmissionRefusedError],
    [409, "duplicated_finality_sig", SubmissionRefusedError],
    [422, "eots_error", SubmissionRefusedError],
    [404, "unknown_chain", NotFoundError],
    [404, "block_not_found", NotFoundError],
    [404, "tx_not_found", NotFoundError],
    [404, "submission_not_found", NotFoundError],
    [404, "evidence_not_found", NotFoundError],
    [404, "route_not_found", NotFoundError],
    [429, "rate_limited", RateLimitedError],
    [429, "rate_limit_exceeded", RateLimitedError],
    [502, "upstream_query_failed", UpstreamUnavailableError],
    [503, "upstream_unavailable", UpstreamUnavailableError],
    [500, "internal_error", HttpStatusError],
  ];
  for (const [status, code, Class] of cases) {
    it(`${status} ${code} → ${Class.name}`, () => {
      const problem = problemOf(status, code, { field: "[2].signature", detail: `detail of ${code}` });
      const error = errorFromAnswer({
        status,
        problem,
        retryAfter: 5,
        metaMessages: ["Request: GET http://x/y"],
      });
      expect(error).toBeInstanceOf(Class);
      expect(error).toBeInstanceOf(FinalityEdgeError);
      expect(error).toBeInstanceOf(BaseError);
      expect(error).toMatchObject({
        name: Class.name,
        code,
        status,
        field: "[2].signature",
        details: `detail of ${code}`,
        retryAfter: 5,
        docsUrl: `https://finality-edge.dev/problems/${code}`,
        shortMessage: `Title of ${code}`,
      });
      expect(error.message.split("\n")).toEqual([
        `Title of ${code}`,
        "",
        `Status: ${status} (${code})`,
        "Field: [2].signature",
        `Details: detail of ${code}`,
        "Retry after: 5 s",
        "Request: GET http://x/y",
        `Docs: https://finality-edge.dev/problems/${code}`,
        "Version: @finality-edge/sdk@0.1.0",
      ]);
    });
  }

  it("a contract refusal carries the contract's text as `detail`", () => {
    const error = errorFromAnswer({
      status: 422,
      problem: problemOf(422, "too_few_pub_rand", { detail: "The number of public randomness is too small" }),
    });
    expect(error).toBeInstanceOf(SubmissionRefusedError);
    expect((error as SubmissionRefusedError).detail).toBe("The number of public randomness is too small");
  });

  it("an error status without a problem body keeps its class by status, code http_<status>", () => {
    const error = errorFromAnswer({
      status: 503,
      problem: undefined,
      fallbackDetails: "HTTP 503 with text/html",
    });
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(error).toMatchObject({ code: "http_503", status: 503, details: "HTTP 503 with text/html" });
    expect(errorFromAnswer({ status: 418, problem: undefined })).toBeInstanceOf(HttpStatusError);
  });
});

it("isRetryable: busy or unreachable, nothing else", () => {
  const answer = (status: number, code: string) =>
    errorFromAnswer({ status, problem: problemOf(status, code) });
  expect(isRetryable(answer(503, "upstream_unavailable"))).toBe(true);
  expect(isRetryable(answer(502, "upstream_invalid"))).toBe(true);
  expect(isRetryable(answer(429, "rate_limited"))).toBe(true);
  expect(isRetryable(new NetworkError({ cause: new TypeError("fetch failed") }))).toBe(true);
  expect(isRetryable(new TimeoutError("The request", 10))).toBe(true);
  expect(isRetryable(answer(422, "eots_error"))).toBe(false);
  expect(isRetryable(answer(404, "unknown_chain"))).toBe(false);
  expect(isRetryable(answer(500, "internal_error"))).toBe(false);
  expect(isRetryable(new Error("x"))).toBe(false);
});
