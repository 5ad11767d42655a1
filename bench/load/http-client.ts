/**
 * @module One HTTP request over node:http with a hard per-request timeout: a request not fully answered in time
 * is destroyed and reported as hung (never awaited forever). node:http rather than fetch so paths go out
 * exactly as written (fetch would resolve dot segments) and a chunked body can be sent on purpose.
 */
import { type Agent, request } from "node:http";

export type HttpAnswer = {
  kind: "answered";
  status: number;
  contentType: string;
  /** The body as text, cut at BODY_KEEP bytes (problem bodies are small; openapi.json is not needed whole). */
  body: string;
  ms: number;
};
export type HttpOutcome =
  | HttpAnswer
  /** No complete answer within the timeout: `headers` = nothing came back, `body` = the body never ended. */
  | { kind: "hung"; stage: "headers" | "body"; ms: number }
  | { kind: "error"; code: string; ms: number };

export type HttpCall = {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  chunked?: boolean;
};

const BODY_KEEP = 64 * 1024;

export function sendHttp(agent: Agent, base: URL, call: HttpCall, timeoutMs: number): Promise<HttpOutcome> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    let stage: "headers" | "body" = "headers";
    const finish = (outcome: HttpOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const headers: Record<string, string> = { ...call.headers };
    if (call.body && !call.chunked) headers["content-length"] = String(call.body.length);
    const req = request({
      agent,
      host: base.hostname,
      port: base.port,
      method: call.method,
      path: call.path,
      headers,
    });
    const timer = setTimeout(() => {
      finish({ kind: "hung", stage, ms: ms() });
      req.destroy();
    }, timeoutMs);
    req.on("response", (res) => {
      stage = "body";
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on("data", (chunk: Buffer) => {
        if (kept < BODY_KEEP) chunks.push(chunk);
        kept += chunk.length;
      });
      res.on("end", () =>
        finish({
          kind: "answered",
          status: res.statusCode ?? 0,
          contentType: String(res.headers["content-type"] ?? ""),
          body: Buffer.concat(chunks).subarray(0, BODY_KEEP).toString("utf8"),
          ms: ms(),
        }),
      );
      res.on("error", (error: NodeJS.ErrnoException) =>
        finish({ kind: "error", code: error.code ?? error.name, ms: ms() }),
      );
    });
    // A server may answer (e.g. 413) and close before the whole body is written: the answer wins if it came.
    req.on("error", (error: NodeJS.ErrnoException) =>
      finish({ kind: "error", code: error.code ?? error.name, ms: ms() }),
    );
    if (call.chunked && call.body) {
      // Several writes, so the body really streams in chunks.
      for (let i = 0; i < call.body.length; i += 64 * 1024) req.write(call.body.subarray(i, i + 64 * 1024));
      req.end();
    } else req.end(call.body);
  });
}

/** A JSON GET for discovery and sampling; throws on anything but a 200 with a JSON body. */
export async function getJson<T>(agent: Agent, base: URL, path: string, timeoutMs: number): Promise<T> {
  const outcome = await sendHttp(agent, base, { method: "GET", path, headers: {} }, timeoutMs);
  if (outcome.kind === "hung") throw new Error(`${path}: no answer within ${timeoutMs} ms`);
  if (outcome.kind === "error") throw new Error(`${path}: ${outcome.code}`);
  if (outcome.status !== 200)
    throw new Error(`${path}: HTTP ${outcome.status} ${outcome.body.slice(0, 200)}`);
  return JSON.parse(outcome.body) as T;
}
