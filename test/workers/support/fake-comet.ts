/**
 * @module A small fake CometBFT JSON-RPC node for tests (Node side; started from the workerd suite's global setup).
 *
 * It answers `abci_query` on `/cosmwasm.wasm.v1.Query/SmartContractState` the way a wasmd node does: it decodes the
 * protobuf request, parses the contract query JSON, and replies with a protobuf `QuerySmartContractStateResponse`
 * whose `data` is the canned answer's JSON. A canned `failure` becomes a non-zero ABCI code with its codespace and
 * `log`, at the answer height (baseapp reports a failed gRPC query at the height it was asked for).
 * Everything else (other methods, other ABCI paths, queries with no canned answer) gets a JSON-RPC error.
 *
 * Every JSON-RPC call is recorded under the request's URL path, so each test can point its client at
 * `${url}/<scope>` and read only its own traffic back with `GET ${url}/__fake/calls?scope=/<scope>`.
 * A path ending in `/http-status/<code>` answers every call with that HTTP status instead.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  QuerySmartContractStateRequest,
  QuerySmartContractStateResponse,
} from "cosmjs-types/cosmwasm/wasm/v1/query";
import type { CannedAnswer } from "../../fixtures/finality-contract-answers.ts";

export const SMART_QUERY_PATH = "/cosmwasm.wasm.v1.Query/SmartContractState";
/** Block height reported with every answer. */
export const FAKE_HEIGHT = 4242;

/** One JSON-RPC call as the fake saw it. */
export type RecordedCall = {
  method: string;
  params: unknown;
  /** For smart queries: the contract address and the query exactly as sent (raw UTF-8 text). */
  smartQuery?: { address: string; json: string };
};

export type FakeComet = { url: string; close(): Promise<void> };

type JsonRpcRequest = { jsonrpc?: string; id?: unknown; method?: unknown; params?: unknown };

/** JSON with object keys sorted at every level, so lookups do not depend on key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

const rpcError = (id: unknown, code: number, message: string, data: string) => ({
  jsonrpc: "2.0",
  id,
  error: { code, message, data },
});

/** CometBFT 0.38 `abci_query` result envelope. */
const abciResult = (id: unknown, response: Record<string, unknown>) => ({
  jsonrpc: "2.0",
  id,
  result: {
    response: {
      code: 0,
      log: "",
      info: "",
      index: "0",
      key: null,
      value: null,
      proofOps: null,
      height: String(FAKE_HEIGHT),
      codespace: "",
      ...response,
    },
  },
});

function answer(
  request: JsonRpcRequest,
  answers: Map<string, CannedAnswer>,
  record: (c: RecordedCall) => void,
) {
  const { id, method, params } = request;
  if (typeof method !== "string") return rpcError(id ?? null, -32600, "Invalid Request", "missing method");
  const call: RecordedCall = { method, params };
  record(call);
  if (method !== "abci_query") return rpcError(id, -32601, "Method not found", `fake node has no ${method}`);

  const { path, data } = (params ?? {}) as { path?: unknown; data?: unknown };
  if (path !== SMART_QUERY_PATH || typeof data !== "string") {
    return rpcError(id, -32603, "Internal error", `fake node does not serve ${String(path)}`);
  }
  const request_ = QuerySmartContractStateRequest.decode(Buffer.from(data, "hex"));
  const json = Buffer.from(request_.queryData).toString("utf8");
  call.smartQuery = { address: request_.address, json };

  let query: unknown;
  try {
    query = JSON.parse(json);
  } catch {
    return rpcError(id, -32603, "Internal error", "query data is not JSON");
  }
  const canned = answers.get(canonical(query));
  if (!canned) return rpcError(id, -32603, "Internal error", `no canned answer for ${json}`);
  if ("failure" in canned) return abciResult(id, canned.failure);

  const value = QuerySmartContractStateResponse.encode({
    data: Buffer.from(JSON.stringify(canned.response), "utf8"),
  }).finish();
  return abciResult(id, { value: Buffer.from(value).toString("base64") });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

/** Starts the fake on 127.0.0.1 with an ephemeral port. */
export async function startFakeComet(cannedAnswers: readonly CannedAnswer[]): Promise<FakeComet> {
  const answers = new Map(cannedAnswers.map((a) => [canonical(a.query), a]));
  const calls = new Map<string, RecordedCall[]>();

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://fake");
      if (req.method === "GET" && url.pathname === "/__fake/calls") {
        send(res, 200, calls.get(url.searchParams.get("scope") ?? "/") ?? []);
        return;
      }
      if (req.method !== "POST") {
        send(res, 405, { error: "POST JSON-RPC only" });
        return;
      }
      const scope = url.pathname;
      const record = (call: RecordedCall) => {
        const list = calls.get(scope) ?? [];
        list.push(call);
        calls.set(scope, list);
      };
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        send(res, 200, rpcError(null, -32700, "Parse error", "body is not JSON"));
        return;
      }
      // `POST /…/http-status/<code>`: record the call, then fail at the HTTP level (like a gateway in front of a node).
      const forced = /\/http-status\/(\d{3})$/.exec(scope);
      if (forced) {
        const { method, params } = (Array.isArray(body) ? body[0] : body) as JsonRpcRequest;
        record({ method: String(method), params });
        res.writeHead(Number(forced[1]), { "content-type": "text/plain" }).end("upstream unavailable");
        return;
      }
      const reply = Array.isArray(body)
        ? body.map((r: JsonRpcRequest) => answer(r, answers, record))
        : answer(body as JsonRpcRequest, answers, record);
      send(res, 200, reply);
    } catch (error) {
      send(res, 500, { error: String(error) });
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
