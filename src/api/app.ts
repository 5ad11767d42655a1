/** @module The HTTP application: routes are mounted here, every error leaves as problem+json. */
import { Hono } from "hono";
import { RouteNotFoundError } from "../errors/http.ts";
import { problemResponse, toProblem } from "./problem.ts";

export type AppEnv = { Bindings: Env };

export function createApp() {
  const app = new Hono<AppEnv>();
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.notFound((c) => problemResponse(new RouteNotFoundError(new URL(c.req.url).pathname)));
  app.onError((error) => {
    // Unexpected errors are logged with their internals; the client only sees the problem body.
    if (toProblem(error).status >= 500) console.error(error);
    return problemResponse(error);
  });
  return app;
}
