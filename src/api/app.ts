/** @module The HTTP application: routes are mounted here, errors are mapped to problem+json. */
import { Hono } from "hono";

export type AppEnv = { Bindings: Env };

export function createApp() {
  const app = new Hono<AppEnv>();
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  return app;
}
