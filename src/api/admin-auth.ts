/**
 * @module Bearer tokens: the admin token (`ADMIN_TOKEN` secret) of the webhook routes — none configured: the routes
 * are off (403) — and the optional `METRICS_TOKEN` of `/metrics` — none configured: open. No or malformed
 * `Authorization`: 401 with a `WWW-Authenticate` challenge. A wrong token: 403.
 * The comparison takes the same time whatever the token: both sides are hashed, and the digests compared fully.
 */
import type { MiddlewareHandler } from "hono";
import { BaseError } from "../errors/base.ts";
import type { AppEnv } from "./context.ts";

export class UnauthorizedError extends BaseError {
  override name = "UnauthorizedError";
  constructor(secret = "ADMIN_TOKEN") {
    super("unauthorized", secret === "ADMIN_TOKEN" ? "Admin token required" : "Bearer token required", {
      field: "Authorization",
      details: `Send \`Authorization: Bearer <${secret}>\`.`,
    });
  }
}

export class ForbiddenError extends BaseError {
  override name = "ForbiddenError";
  constructor(details: string) {
    super("forbidden", "Not allowed", { field: "Authorization", details });
  }
}

const digest = async (text: string) =>
  new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));

/** Whether `a` and `b` are equal, in time independent of where they differ. */
export async function sameSecret(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([digest(a), digest(b)]);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= (x[i] as number) ^ (y[i] as number);
  return diff === 0;
}

/** Throws unless the request carries `Bearer <token>`. */
async function checkBearer(header: string | undefined, token: string, secret: string): Promise<void> {
  const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(header ?? "");
  if (!match) throw new UnauthorizedError(secret);
  if (!(await sameSecret(match[1] as string, token))) throw new ForbiddenError(`The ${secret} is not valid.`);
}

export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = (c.env as { ADMIN_TOKEN?: string }).ADMIN_TOKEN;
  if (!token) throw new ForbiddenError("Webhooks are off: this edge has no ADMIN_TOKEN configured.");
  await checkBearer(c.req.header("authorization"), token, "ADMIN_TOKEN");
  await next();
};

/** `/metrics`: open unless `METRICS_TOKEN` is set. */
export const requireMetricsToken: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = (c.env as { METRICS_TOKEN?: string }).METRICS_TOKEN;
  if (token) await checkBearer(c.req.header("authorization"), token, "METRICS_TOKEN");
  await next();
};
