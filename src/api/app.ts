/** @module The HTTP application: routes are mounted here, every error leaves as problem+json. */
import { OpenAPIHono } from "@hono/zod-openapi";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { coordinatorStub } from "../coordinator/client.ts";
import { countersFlushDue, flushCounters } from "../coordinator/isolate-counters.ts";
import { RouteNotFoundError } from "../errors/http.ts";
import { runInBackground } from "./background.ts";
import { type AppDeps, type AppEnv, defaultDeps } from "./context.ts";
import { InvalidRequestError, UnsupportedMediaTypeError } from "./errors.ts";
import { jsonBody } from "./json-body.ts";
import { problemResponse, toProblem } from "./problem.ts";
import { registerBlockFinality } from "./routes/block-finality.ts";
import { registerChains } from "./routes/chains.ts";
import { registerEvents } from "./routes/events.ts";
import { registerHistory } from "./routes/history.ts";
import { registerMetrics } from "./routes/metrics.ts";
import { registerOps } from "./routes/ops.ts";
import { registerRange } from "./routes/range.ts";
import { registerStatus } from "./routes/status.ts";
import { registerSubmissions } from "./routes/submissions.ts";
import { registerTxFinality } from "./routes/tx-finality.ts";
import { registerWebhooks } from "./routes/webhooks.ts";

export type { AppDeps, AppEnv };

export type CreateAppOptions = {
  /** Upstream readers (tests inject fakes); defaults to real RPC clients built per request. */
  deps?: Partial<AppDeps>;
};

export function createApp(options: CreateAppOptions = {}) {
  const deps = { ...defaultDeps, ...options.deps };
  const app = new OpenAPIHono<AppEnv>({
    // Validation failures never reach a handler: 400 problem+json naming the field and the rule.
    defaultHook: (result) => {
      if (result.success) return;
      const issue = result.error.issues[0];
      const field = issue && issue.path.length > 0 ? issue.path.map(String).join(".") : result.target;
      return problemResponse(
        new InvalidRequestError(field, `${field} ${issue?.message ?? "is invalid"}`.trim()),
      );
    },
  });
  // Finality answers are public: any origin may read them from a browser, never with credentials.
  app.use(
    "/v1/*",
    cors({
      origin: "*",
      allowMethods: ["GET", "POST", "OPTIONS"],
      allowHeaders: ["content-type", "if-none-match", "last-event-id", "cache-control"],
      exposeHeaders: ["etag", "retry-after"],
      maxAge: 86_400,
    }),
  );
  // After any answer: this isolate's refusal and upstream-latency counts go to the coordinators now and then.
  app.use("*", async (c, next) => {
    await next();
    if (countersFlushDue()) {
      const env = c.env;
      runInBackground(
        c,
        flushCounters((chain, counts) => coordinatorStub(env, chain).addCounters(chain, counts)),
      );
    }
  });
  registerOps(app, deps);
  registerChains(app, deps);
  registerBlockFinality(app, deps);
  registerTxFinality(app, deps);
  app.on("POST", "/v1/chains/:chain/finality/range", jsonBody(RANGE_BODY_BYTES));
  registerRange(app, deps);
  registerStatus(app, deps);
  registerSubmissions(app, deps);
  registerEvents(app, deps);
  registerWebhooks(app, deps);
  registerHistory(app, deps);
  registerMetrics(app, deps);
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Finality Edge",
      version: "0.1.0",
      description: "BTC-staked finality for rollups: is this L2 block or transaction BTC-finalized?",
    },
  });
  app.notFound((c) => problemResponse(new RouteNotFoundError(new URL(c.req.url).pathname)));
  app.onError((error) => {
    const own = fromLibraryError(error);
    // Unexpected errors are logged with their internals; the client only sees the problem body.
    if (toProblem(own).status >= 500) console.error(error);
    return problemResponse(own);
  });
  return app;
}

/** 100 blocks of `{number, hash}` are under 10 KiB. */
const RANGE_BODY_BYTES = 64 * 1024;

/**
 * The errors libraries raise about the request (Hono's and the OpenAPI layer's `HTTPException`s: malformed
 * JSON, media type) as this API's typed errors, so they leave as problem+json with a stable code.
 */
function fromLibraryError(error: unknown): unknown {
  if (!(error instanceof HTTPException)) return error;
  if (error.status === 415) return new UnsupportedMediaTypeError(undefined);
  if (error.status >= 400 && error.status < 500) return new InvalidRequestError("body", error.message);
  return error;
}
