import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createFuzzHarness, type FuzzHarness } from "../../test/support/fuzz-harness.ts";
import { judge, type Verdict } from "../../test/support/fuzz-oracle.ts";
import {
  type DocRoute,
  describeRequest,
  type FuzzRequest,
  fuzzRequestArb,
  materialize,
  type OpenApiDocument,
  routesOf,
} from "../../test/support/fuzz-requests.ts";

// Hostile traffic against the whole HTTP app in-process (app.request, fake upstreams, no network). Routes come
// from the app's own /openapi.json, so a new route is fuzzed without editing this file. Every request that
// breaks the HTTP contract is grouped into a failure class (rule broken, route, answer, where it was thrown);
// each class is then replayed from its first example and shrunk to a minimal request, and all classes are
// reported together, so one known bug cannot hide the others.
//
// FUZZ_SEED / FUZZ_RUNS override the fixed seed and the number of generated requests (default 10,000);
// FUZZ_VERBOSE=1 also prints how often each route answered each status and code.

const envNumber = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return process.env[name] && Number.isSafeInteger(value) ? value : fallback;
};
const SEED = envNumber("FUZZ_SEED", 20_261_117);
const RUNS = envNumber("FUZZ_RUNS", 10_000);
const VERBOSE = Boolean(process.env.FUZZ_VERBOSE);
/** Shrinking budget per failure class and in all, so a run full of failures still ends in bounded time. */
const SHRINK_MS_PER_CLASS = 1_500;
const SHRINK_MS_TOTAL = 10_000;

type Observed = { verdict: Verdict; logged: string | null; threw: string | null };

let harness: FuzzHarness;
let routes: DocRoute[];
/** What the app logged with console.error during the current request: a 500's internals. */
let logged: string[] = [];

beforeAll(async () => {
  // onError logs every 500 with its stack: keep it as the class's "where", out of the test output.
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    logged.push(args.map(summarize).join(" "));
  });
  vi.spyOn(console, "warn").mockImplementation(() => undefined);
  harness = await createFuzzHarness();
  const res = await harness.send(new Request("http://edge.test/openapi.json"), "none");
  if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}`);
  routes = routesOf((await res.json()) as OpenApiDocument);
});
afterAll(() => {
  vi.restoreAllMocks();
});

function summarize(value: unknown): string {
  if (value instanceof Error) {
    // Where it was thrown: the first frame in the app's own code, else the first frame at all.
    const frames = (value.stack ?? "").split("\n").filter((line) => line.trim().startsWith("at "));
    const own = frames.find((line) => line.includes("/src/") && !line.includes(".test.ts"));
    const where = (own ?? frames[0] ?? "").trim().replace(/\/\S*\/(node_modules|src)\//, "$1/");
    return `${value.name}: ${value.message.slice(0, 160)} ${where}`;
  }
  return String(value).slice(0, 160);
}

async function observe(spec: FuzzRequest): Promise<Observed> {
  logged = [];
  let request: Request;
  try {
    request = materialize(spec);
  } catch (error) {
    // fetch itself refuses to build this request (URL or header): nothing reaches the app.
    return {
      verdict: { status: 0, violation: null, code: null, contentType: null, body: "" },
      logged: null,
      threw: `unsendable: ${summarize(error)}`,
    };
  }
  try {
    const res = await harness.send(request, spec.fault);
    return { verdict: await judge(spec, res), logged: logged[0] ?? null, threw: null };
  } catch (error) {
    // app.request rejected: in a Worker that is an uncaught exception, i.e. a 500 from the runtime.
    return {
      verdict: { status: 0, violation: "app.request threw", code: null, contentType: null, body: "" },
      logged: logged[0] ?? null,
      threw: summarize(error),
    };
  }
}

/** Requests in one class break the same rule on the same route with the same answer and the same internals. */
function classOf(spec: FuzzRequest, o: Observed): string | null {
  if (!o.verdict.violation) return null;
  // Line numbers, heights and hashes differ between requests that hit the same bug.
  const internals = (o.logged ?? o.threw ?? "").replace(/0x[0-9a-f]+|[0-9a-f]{16,}|\d+/gi, "N");
  return [
    o.verdict.violation,
    `${spec.method} ${spec.route}`,
    `${o.verdict.status} ${o.verdict.code ?? ""}`.trim(),
    internals,
  ].join(" | ");
}

// Built the same way every time, so a run index (fast-check path) under the same seed is the same request.
const arbitrary = () => fuzzRequestArb(routes, harness.pools);

const count = <K>(map: Map<K, number>, key: K) => map.set(key, (map.get(key) ?? 0) + 1);

function report(klass: string, index: number, spec: FuzzRequest, o: Observed, shrinks: number): string {
  return [
    `● ${klass}`,
    `  minimal request (${shrinks} shrinks; replay: FUZZ_SEED=${SEED}, fast-check path ${index}; ` +
      "rebuild it with materialize(spec) from test/support/fuzz-requests.ts):",
    describeRequest(spec)
      .split("\n")
      .map((line) => `    ${line}`)
      .join("\n"),
    `  answered: ${o.verdict.status} content-type: ${o.verdict.contentType ?? "(none)"}`,
    `    ${o.verdict.body.slice(0, 600)}`,
    ...(o.logged ? [`  logged: ${o.logged}`] : []),
    ...(o.threw ? [`  threw: ${o.threw}`] : []),
  ].join("\n");
}

describe("HTTP fuzz (in-process, fake upstreams)", () => {
  it("derives the route list from the app's OpenAPI document", () => {
    const listed = routes.map((r) => `${r.method} ${r.template}`);
    console.log(`fuzz: ${routes.length} documented operations:\n  ${listed.join("\n  ")}`);
    expect(listed).toEqual(
      expect.arrayContaining([
        "GET /v1/chains",
        "GET /v1/chains/{chain}/blocks/{blockId}/finality",
        "POST /v1/chains/{chain}/finality/range",
        "POST /v1/chains/{chain}/public-randomness",
        "POST /v1/chains/{chain}/finality-signatures",
      ]),
    );
    // A path parameter the document does not declare is fuzzed anyway, but clients cannot know about it.
    for (const route of routes) expect(route.undeclared, `${route.method} ${route.template}`).toEqual([]);
  });

  it("answers every hostile request without a 5xx; every 4xx is a problem+json with its status", async () => {
    const started = Date.now();
    const perRoute = new Map<string, number>();
    const perOperation = new Map<string, number>();
    const statuses = new Map<number, number>();
    const outcomes = new Map<string, number>();
    const first = new Map<string, { index: number; spec: FuzzRequest; observed: Observed }>();
    let index = 0;
    let unsendable = 0;

    // Census: every generated request is sent and judged; the property never fails, so all RUNS are sent.
    const census = await fc.check(
      fc.asyncProperty(arbitrary(), async (spec) => {
        const at = index++;
        const observed = await observe(spec);
        if (observed.threw?.startsWith("unsendable")) unsendable++;
        count(perRoute, spec.route);
        count(perOperation, `${spec.method} ${spec.route}`);
        count(statuses, observed.verdict.status);
        count(
          outcomes,
          `${spec.method} ${spec.route} → ${observed.verdict.status} ${observed.verdict.code ?? ""}`,
        );
        const klass = classOf(spec, observed);
        if (klass && !first.has(klass)) first.set(klass, { index: at, spec, observed });
        return true;
      }),
      { seed: SEED, numRuns: RUNS },
    );
    const censusMs = Date.now() - started;
    if (census.failed) {
      const error = census.errorInstance as Error | null;
      throw new Error(`fuzz: the census itself failed: ${error?.stack ?? String(error)}`);
    }

    // Shrink each class from its first example (replayed by seed and path), keeping it in the same class.
    const reports: string[] = [];
    let shrinkRequests = 0;
    const shrinkStarted = Date.now();
    for (const [klass, example] of first) {
      let minimal = example.spec;
      let observed = example.observed;
      let shrinks = 0;
      const budget = SHRINK_MS_TOTAL - (Date.now() - shrinkStarted);
      if (budget > 0) {
        const details = await fc.check(
          fc.asyncProperty(arbitrary(), async (spec) => {
            shrinkRequests++;
            return classOf(spec, await observe(spec)) !== klass;
          }),
          {
            seed: SEED,
            path: String(example.index),
            numRuns: RUNS,
            plugins: [fc.interruptAfterTimeLimit(Math.min(SHRINK_MS_PER_CLASS, budget))],
          },
        );
        if (details.failed && details.counterexample) {
          minimal = (details.counterexample as [FuzzRequest])[0];
          observed = await observe(minimal);
          shrinks = details.numShrinks;
        }
      }
      reports.push(report(klass, example.index, minimal, observed, shrinks));
    }

    console.log(
      [
        `fuzz: seed ${SEED} (FUZZ_SEED), ${RUNS} generated requests (FUZZ_RUNS) in ${censusMs} ms, ` +
          `${shrinkRequests} more while shrinking in ${Date.now() - shrinkStarted} ms: ` +
          `${RUNS + shrinkRequests} requests in all; ${unsendable} specs fetch refused to build`,
        `  per route: ${[...perRoute].map(([r, n]) => `${r} ×${n}`).join(", ")}`,
        `  statuses: ${[...statuses]
          .sort((a, b) => a[0] - b[0])
          .map(([s, n]) => `${s}×${n}`)
          .join(" ")}`,
        `  failure classes: ${first.size}`,
      ].join("\n"),
    );
    if (VERBOSE) {
      const lines = [...outcomes].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([o, n]) => `  ${o} ×${n}`);
      console.log(`fuzz outcomes:\n${lines.join("\n")}`);
    }

    // Every documented operation got a fair share of the traffic (body routes get three times more).
    for (const route of routes) {
      expect(
        perOperation.get(`${route.method} ${route.template}`) ?? 0,
        route.template,
      ).toBeGreaterThanOrEqual(Math.floor(RUNS / (routes.length * 8)));
    }
    if (reports.length > 0) {
      const message = `${reports.length} kinds of request break the HTTP contract:\n\n${reports.join("\n\n")}`;
      console.log(message);
      expect.fail(message);
    }
  }, 120_000);
});
