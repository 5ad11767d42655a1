/**
 * @module The CometBFT RPC over HTTP: JSON-RPC 2.0 POSTs on `/` (single or batch; notifications get
 * no answer), URI GETs on `/<method>?arg=value`, the endpoint list on an empty body or `GET /`.
 * Parameters are converted as CometBFT does (int64 and int params must be JSON strings, bytes
 * base64, `abci_query` data hex) and errors use its codes: -32700 parse, -32600 invalid request,
 * -32601 method not found, -32602 invalid params, -32603 internal (with the Go error text in `data`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { bytesToBase64, hexToBytes } from "../../../src/crypto/index.ts";
import { upperHex } from "./encoding.ts";
import { type ChainNode, MempoolError } from "./node.ts";
import { type Condition, matches, parseQuery, QueryParseError } from "./query-language.ts";
import {
  blockJson,
  blockMetaJson,
  blockResultsJson,
  commitJson,
  consensusParamsJson,
  EMPTY_TX_RESULT,
  headerJson,
  queryJson,
  statusJson,
  txJson,
  txResultJson,
  validatorJson,
} from "./rpc-json.ts";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type ArgKind = "int64" | "int" | "bool" | "string" | "bytes" | "hexbytes";
type Args = Record<string, unknown>;

/** An error the method returns (JSON-RPC -32603 with `message` as data). */
class RpcInternalError extends Error {}
class RpcParamsError extends Error {}

type Method = {
  args: Array<[name: string, kind: ArgKind]>;
  run: (args: Args) => Json | Promise<Json>;
};

const BROADCAST_COMMIT_TIMEOUT_MS = 10_000;
const DEFAULT_PER_PAGE = 30;
const MAX_PER_PAGE = 100;
const MAX_QUERY_LENGTH = 512;

/**
 * Base64 of a `[]byte` param, as leniently as the emulator has always read it (Node's decoder behind a
 * character and length check: padding optional or extra, unused trailing bits ignored). Deliberately
 * not the crypto core's `base64ToBytes`, whose cosmwasm `Binary` rules would refuse some of these.
 */
function decodeBase64Param(text: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1)
    throw new Error(`invalid base64: ${text}`);
  return new Uint8Array(Buffer.from(text, "base64"));
}

/** cmtjson-style decoding of one JSON param value. */
function decodeArg(raw: unknown, kind: ArgKind): unknown {
  if (raw === null || raw === undefined) return undefined;
  switch (kind) {
    case "int64":
    case "int": {
      if (typeof raw !== "string") {
        throw new RpcParamsError(`invalid 64-bit integer encoding "${JSON.stringify(raw)}", expected string`);
      }
      if (!/^-?\d+$/.test(raw))
        throw new RpcParamsError(`strconv.ParseInt: parsing "${raw}": invalid syntax`);
      return Number(raw);
    }
    case "bool":
      if (typeof raw !== "boolean")
        throw new RpcParamsError(`json: cannot unmarshal ${typeof raw} into Go value of type bool`);
      return raw;
    case "string":
      if (typeof raw !== "string")
        throw new RpcParamsError(`json: cannot unmarshal ${typeof raw} into Go value of type string`);
      return raw;
    case "bytes":
      if (typeof raw !== "string")
        throw new RpcParamsError(`json: cannot unmarshal ${typeof raw} into Go value of type []uint8`);
      try {
        return decodeBase64Param(raw);
      } catch {
        throw new RpcParamsError("illegal base64 data at input byte 0");
      }
    case "hexbytes":
      if (typeof raw !== "string")
        throw new RpcParamsError(`json: cannot unmarshal ${typeof raw} into Go value of type bytes.HexBytes`);
      try {
        return hexToBytes(raw);
      } catch {
        throw new RpcParamsError("encoding/hex: invalid byte");
      }
  }
}

/** URI (GET) argument: ints unquoted, strings quoted, bytes as 0x-hex (or quoted). */
function decodeUriArg(value: string, kind: ArgKind): unknown {
  if (value === "") return undefined;
  const quoted = value.length >= 2 && value.startsWith('"') && value.endsWith('"');
  const unquoted = quoted ? value.slice(1, -1) : value;
  switch (kind) {
    case "int64":
    case "int":
      return decodeArg(unquoted, kind);
    case "bool":
      if (unquoted !== "true" && unquoted !== "false") throw new RpcParamsError(`invalid bool ${value}`);
      return unquoted === "true";
    case "string":
      return unquoted;
    case "bytes":
    case "hexbytes":
      if (/^0x/i.test(value)) return decodeArg(value.slice(2), "hexbytes");
      return quoted
        ? decodeArg(unquoted, kind === "bytes" ? "bytes" : "hexbytes")
        : decodeArg(value, "hexbytes");
  }
}

export type RpcServer = { url: string; port: number; close(): Promise<void> };

export async function startRpcServer(
  node: ChainNode,
  options: { host: string; port: number },
): Promise<RpcServer> {
  let rpcAddress = "";
  const methods = buildMethods(node, () => rpcAddress);
  const server: Server = createServer((req, res) => {
    handle(req, res, methods).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
      res.end(String(error));
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  rpcAddress = `tcp://${options.host}:${port}`;
  return {
    url: `http://${options.host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** CometBFT's `max_body_bytes` default. */
const MAX_BODY_BYTES = 1_000_000;

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: string, contentType = "application/json"): void {
  res.writeHead(status, { "Content-Type": contentType, "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

const errorResponse = (id: Json | undefined, code: number, message: string, data?: string): Json => {
  const out: { [key: string]: Json } = { jsonrpc: "2.0" };
  if (id !== undefined && id !== null) out.id = id;
  out.error = data ? { code, message, data } : { code, message };
  return out;
};

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  methods: Map<string, Method>,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  let body: string;
  try {
    body = await readBody(req);
  } catch (error) {
    if (!(error instanceof BodyTooLarge)) throw error;
    const reply = errorResponse(
      undefined,
      -32600,
      "Invalid Request",
      "error reading request body: http: request body too large",
    );
    send(res, 400, JSON.stringify(reply));
    return;
  }
  if (url.pathname === "/" && (req.method === "GET" || body.length === 0)) {
    const links = [...methods.keys()]
      .sort()
      .map((m) => `<a href="//${req.headers.host ?? ""}/${m}">//${req.headers.host ?? ""}/${m}</a></br>`);
    send(res, 200, `<html><body><br>Available endpoints:<br>${links.join("")}</body></html>`, "text/html");
    return;
  }
  if (url.pathname !== "/") {
    const method = methods.get(url.pathname.slice(1));
    if (!method) {
      send(res, 404, "404 page not found\n", "text/plain; charset=utf-8");
      return;
    }
    send(res, 200, JSON.stringify(await callUri(method, url.searchParams)));
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    send(
      res,
      500,
      JSON.stringify(
        errorResponse(
          undefined,
          -32700,
          "Parse error. Invalid JSON",
          `error unmarshaling request: ${(error as Error).message}`,
        ),
      ),
    );
    return;
  }
  const requests = Array.isArray(parsed) ? parsed : [parsed];
  const responses: Json[] = [];
  for (const request of requests) {
    const response = await callJson(request, methods);
    if (response !== undefined) responses.push(response);
  }
  if (responses.length === 0) {
    res.writeHead(200);
    res.end();
    return;
  }
  send(res, 200, JSON.stringify(responses.length === 1 ? responses[0] : responses));
}

async function callJson(request: unknown, methods: Map<string, Method>): Promise<Json | undefined> {
  if (typeof request !== "object" || request === null || Array.isArray(request)) {
    return errorResponse(undefined, -32600, "Invalid Request", "request must be a JSON object");
  }
  const { id, method: name, params } = request as { id?: unknown; method?: unknown; params?: unknown };
  if (id === undefined || id === null) return undefined; // notification
  if (typeof id !== "number" && typeof id !== "string") {
    return errorResponse(undefined, -32600, "Invalid Request", `invalid id type ${typeof id}`);
  }
  const method = typeof name === "string" ? methods.get(name) : undefined;
  if (!method) return errorResponse(id, -32601, "Method not found");
  let args: Args;
  try {
    args = {};
    if (Array.isArray(params)) {
      if (params.length !== method.args.length) {
        throw new RpcParamsError(
          `expected ${method.args.length} parameters (${method.args.map(([n]) => n).join(" ")}), got ${params.length}`,
        );
      }
      method.args.forEach(([argName, kind], i) => {
        args[argName] = decodeArg(params[i], kind);
      });
    } else if (params !== undefined && params !== null) {
      if (typeof params !== "object")
        throw new RpcParamsError("unknown type for JSON params. Expected map or array");
      for (const [argName, kind] of method.args) args[argName] = decodeArg((params as Args)[argName], kind);
    }
  } catch (error) {
    return errorResponse(
      id,
      -32602,
      "Invalid params",
      `error converting json params to arguments: ${(error as Error).message}`,
    );
  }
  return invoke(id, method, args);
}

async function callUri(method: Method, query: URLSearchParams): Promise<Json> {
  const args: Args = {};
  try {
    for (const [argName, kind] of method.args) {
      const value = query.get(argName);
      if (value !== null) args[argName] = decodeUriArg(value, kind);
    }
  } catch (error) {
    return errorResponse(
      -1,
      -32602,
      "Invalid params",
      `error converting http params to arguments: ${(error as Error).message}`,
    );
  }
  return invoke(-1, method, args);
}

async function invoke(id: Json, method: Method, args: Args): Promise<Json> {
  try {
    return { jsonrpc: "2.0", id, result: await method.run(args) };
  } catch (error) {
    if (
      error instanceof RpcInternalError ||
      error instanceof MempoolError ||
      error instanceof QueryParseError
    ) {
      return errorResponse(id, -32603, "Internal error", error.message);
    }
    return errorResponse(
      id,
      -32603,
      "Internal error",
      error instanceof Error ? error.message : String(error),
    );
  }
}

function buildMethods(node: ChainNode, rpcAddress: () => string): Map<string, Method> {
  const { blocks, app, validator } = node;

  /** `getHeight`: the requested height, or the latest. */
  const heightArg = (height: unknown): number => {
    const latest = blocks.height;
    if (height === undefined) return latest;
    const h = height as number;
    if (h <= 0) throw new RpcInternalError(`height must be greater than 0, but got ${h}`);
    if (h > latest)
      throw new RpcInternalError(
        `height ${h} must be less than or equal to the current blockchain height ${latest}`,
      );
    if (h < blocks.base)
      throw new RpcInternalError(`height ${h} is not available, lowest height is ${blocks.base}`);
    return h;
  };
  const blockAt = (height: unknown) => {
    const block = blocks.get(heightArg(height));
    if (!block) throw new RpcInternalError("block not found");
    return block;
  };
  const paginate = <T>(items: T[], page: unknown, perPage: unknown): T[] => {
    let size = (perPage as number | undefined) ?? DEFAULT_PER_PAGE;
    if (size < 1) size = DEFAULT_PER_PAGE;
    if (size > MAX_PER_PAGE) size = MAX_PER_PAGE;
    let p = 1;
    if (page !== undefined) {
      const pages = Math.max(1, Math.floor((items.length - 1) / size) + 1);
      p = page as number;
      if (p <= 0 || p > pages)
        throw new RpcInternalError(`page should be within [1, ${pages}] range, given ${p}`);
    }
    return items.slice((p - 1) * size, (p - 1) * size + size);
  };
  const order = (orderBy: unknown): "asc" | "desc" => {
    if (orderBy === undefined || orderBy === "" || orderBy === "asc") return "asc";
    if (orderBy === "desc") return "desc";
    throw new RpcInternalError("expected order_by to be either `asc` or `desc` or empty");
  };
  const parse = (query: unknown): Condition[] => {
    const text = (query as string | undefined) ?? "";
    if (text.length > MAX_QUERY_LENGTH) throw new RpcInternalError("maximum query length exceeded");
    return parseQuery(text);
  };
  /** `tx_search` / `block_search`: the query's matches in `order_by` order, one page of them and their count. */
  const search = <T>(a: Args, find: (conditions: Condition[]) => T[]): { items: T[]; total: string } => {
    const conditions = parse(a.query);
    const direction = order(a.order_by);
    const found = find(conditions);
    if (direction === "desc") found.reverse();
    return { items: paginate(found, a.page, a.per_page), total: String(found.length) };
  };
  const broadcastBytes = (tx: unknown): Uint8Array => {
    if (!(tx instanceof Uint8Array)) throw new RpcInternalError("tx is required");
    return tx;
  };

  const methods: Record<string, Method> = {
    health: { args: [], run: () => ({}) },
    status: {
      args: [],
      run: () =>
        statusJson({
          chainId: app.chainId,
          validator,
          rpcAddress: rpcAddress(),
          latest: blocks.latest,
          earliest: blocks.get(blocks.base),
          genesisTime: node.genesisTime,
        }),
    },
    net_info: {
      args: [],
      run: () => ({ listening: true, listeners: ["Listener(@)"], n_peers: "0", peers: [] }),
    },
    abci_info: {
      args: [],
      run: () => {
        const out: { [key: string]: Json } = { data: "BabylonApp", version: "v4.3.1" };
        if (app.lastHeight > 0) out.last_block_height = String(app.lastHeight);
        if (app.lastAppHash.length > 0) out.last_block_app_hash = bytesToBase64(app.lastAppHash);
        return { response: out };
      },
    },
    abci_query: {
      args: [
        ["path", "string"],
        ["data", "hexbytes"],
        ["height", "int64"],
        ["prove", "bool"],
      ],
      run: (a) =>
        ({
          response: queryJson(
            app.query(
              (a.path as string | undefined) ?? "",
              (a.data as Uint8Array | undefined) ?? new Uint8Array(),
              (a.height as number | undefined) ?? 0,
              (a.prove as boolean | undefined) ?? false,
            ),
          ),
        }) as Json,
    },
    block: { args: [["height", "int64"]], run: (a) => blockJson(blockAt(a.height), validator) },
    block_by_hash: {
      args: [["hash", "bytes"]],
      run: (a) => {
        const block = a.hash instanceof Uint8Array ? blocks.byHash(upperHex(a.hash)) : undefined;
        return block
          ? blockJson(block, validator)
          : { block_id: { hash: "", parts: { total: 0, hash: "" } }, block: null };
      },
    },
    header: { args: [["height", "int64"]], run: (a) => ({ header: headerJson(blockAt(a.height).header) }) },
    header_by_hash: {
      args: [["hash", "bytes"]],
      run: (a) => {
        const block = a.hash instanceof Uint8Array ? blocks.byHash(upperHex(a.hash)) : undefined;
        return { header: block ? headerJson(block.header) : null };
      },
    },
    block_results: { args: [["height", "int64"]], run: (a) => blockResultsJson(blockAt(a.height)) },
    commit: {
      args: [["height", "int64"]],
      run: (a) => {
        const block = blockAt(a.height);
        return {
          signed_header: { header: headerJson(block.header), commit: commitJson(block.commit, validator) },
          canonical: block.header.height < blocks.height,
        };
      },
    },
    blockchain: {
      args: [
        ["minHeight", "int64"],
        ["maxHeight", "int64"],
      ],
      run: (a) => {
        let min = (a.minHeight as number | undefined) ?? 0;
        let max = (a.maxHeight as number | undefined) ?? 0;
        if (min < 0 || max < 0) throw new RpcInternalError("heights must be non-negative");
        if (min === 0) min = 1;
        if (max === 0) max = blocks.height;
        max = Math.min(blocks.height, max);
        min = Math.max(blocks.base, min, max - 20 + 1);
        if (min > max)
          throw new RpcInternalError(`min height ${min} can't be greater than max height ${max}`);
        return {
          last_height: String(blocks.height),
          block_metas: blocks.range(min, max).reverse().map(blockMetaJson),
        };
      },
    },
    validators: {
      args: [
        ["height", "int64"],
        ["page", "int"],
        ["per_page", "int"],
      ],
      run: (a) => {
        const height = heightArg(a.height);
        const list = paginate([{ ...validatorJson(validator), proposer_priority: "0" }], a.page, a.per_page);
        return { block_height: String(height), validators: list, count: String(list.length), total: "1" };
      },
    },
    consensus_params: {
      args: [["height", "int64"]],
      run: (a) => ({
        block_height: String(heightArg(a.height)),
        consensus_params: consensusParamsJson("types"),
      }),
    },
    num_unconfirmed_txs: {
      args: [],
      run: () => ({
        n_txs: String(node.mempool.size),
        total: String(node.mempool.size),
        total_bytes: String(node.mempool.totalBytes),
        txs: null,
      }),
    },
    unconfirmed_txs: {
      args: [["limit", "int"]],
      run: (a) => {
        let limit = (a.limit as number | undefined) ?? DEFAULT_PER_PAGE;
        if (limit < 1) limit = DEFAULT_PER_PAGE;
        limit = Math.min(limit, MAX_PER_PAGE);
        const txs = node.mempool.pending().slice(0, limit);
        return {
          n_txs: String(txs.length),
          total: String(node.mempool.size),
          total_bytes: String(node.mempool.totalBytes),
          txs: txs.map((tx) => bytesToBase64(tx.bytes)),
        };
      },
    },
    check_tx: {
      args: [["tx", "bytes"]],
      run: (a) => {
        const bytes = broadcastBytes(a.tx);
        // CheckTx without touching the mempool: run it against a throwaway copy of the check state.
        return txResultJson(app.checkTxDryRun(bytes));
      },
    },
    broadcast_tx_async: {
      args: [["tx", "bytes"]],
      run: (a) => {
        const { hash } = node.broadcast(broadcastBytes(a.tx));
        return { code: 0, data: "", log: "", codespace: "", hash };
      },
    },
    broadcast_tx_sync: {
      args: [["tx", "bytes"]],
      run: (a) => {
        const { hash, result } = node.broadcast(broadcastBytes(a.tx));
        return {
          code: result.code,
          data: upperHex(result.data),
          log: result.log,
          codespace: result.codespace,
          hash,
        };
      },
    },
    broadcast_tx_commit: {
      args: [["tx", "bytes"]],
      run: async (a) => {
        let outcome: ReturnType<ChainNode["broadcast"]>;
        try {
          outcome = node.broadcast(broadcastBytes(a.tx));
        } catch (error) {
          throw new RpcInternalError(`error on broadcastTxCommit: ${(error as Error).message}`);
        }
        const { hash, result } = outcome;
        if (result.code !== 0) {
          return {
            check_tx: txResultJson(result),
            tx_result: txResultJson(EMPTY_TX_RESULT),
            hash,
            height: "0",
          };
        }
        const inclusion = await node.waitForTx(hash, BROADCAST_COMMIT_TIMEOUT_MS);
        if (!inclusion) throw new RpcInternalError("timed out waiting for tx to be included in a block");
        return {
          check_tx: txResultJson(result),
          tx_result: txResultJson(inclusion.result),
          hash,
          height: String(inclusion.height),
        };
      },
    },
    tx: {
      args: [
        ["hash", "bytes"],
        ["prove", "bool"],
      ],
      run: (a) => {
        const hash = a.hash instanceof Uint8Array ? upperHex(a.hash) : "";
        const found = blocks.tx(hash);
        if (!found) throw new RpcInternalError(`tx (${hash}) not found`);
        return txJson(found.block, found.index, (a.prove as boolean | undefined) ?? false);
      },
    },
    tx_search: {
      args: [
        ["query", "string"],
        ["prove", "bool"],
        ["page", "int"],
        ["per_page", "int"],
        ["order_by", "string"],
      ],
      run: (a) => {
        const { items, total } = search(a, (conditions) => searchTxs(node, conditions));
        const prove = (a.prove as boolean | undefined) ?? false;
        return { txs: items.map(({ block, index }) => txJson(block, index, prove)), total_count: total };
      },
    },
    block_search: {
      args: [
        ["query", "string"],
        ["page", "int"],
        ["per_page", "int"],
        ["order_by", "string"],
      ],
      run: (a) => {
        const { items, total } = search(a, (conditions) =>
          blocks
            .range(blocks.base, blocks.height)
            .filter((block) =>
              matches(conditions, (key) => (key === "block.height" ? [String(block.header.height)] : [])),
            ),
        );
        return { blocks: items.map((block) => blockJson(block, validator)), total_count: total };
      },
    },
    genesis: {
      args: [],
      run: () => ({
        genesis: {
          genesis_time: new Date(node.genesisTime.ms).toISOString().replace(".000Z", "Z"),
          chain_id: app.chainId,
          initial_height: "1",
          consensus_params: consensusParamsJson(),
          validators: [{ ...validatorJson(validator), power: String(validator.votingPower), name: "devnet" }],
          app_hash: "",
          app_state: {},
        },
      }),
    },
  };
  return new Map(Object.entries(methods));
}

type Found = { block: ReturnType<ChainNode["blocks"]["get"]> & object; index: number };

/** The kv tx indexer: `tx.hash`, `tx.height` and every event attribute (`type.key`) of each tx. */
function searchTxs(node: ChainNode, conditions: Condition[]): Found[] {
  const { blocks } = node;
  const hashCondition = conditions.find((c) => c.key === "tx.hash" && c.op === "=");
  if (hashCondition) {
    const found = typeof hashCondition.value === "string" ? blocks.tx(hashCondition.value) : undefined;
    if (!found) return [];
    return matchTx(conditions, found.block, found.index) ? [found] : [];
  }
  let from = blocks.base;
  let to = blocks.height;
  for (const c of conditions) {
    if (c.key !== "tx.height" || typeof c.value !== "number") continue;
    if (c.op === "=") {
      from = Math.max(from, c.value);
      to = Math.min(to, c.value);
    } else if (c.op === ">") from = Math.max(from, Math.floor(c.value) + 1);
    else if (c.op === ">=") from = Math.max(from, Math.ceil(c.value));
    else if (c.op === "<") to = Math.min(to, Math.ceil(c.value) - 1);
    else if (c.op === "<=") to = Math.min(to, Math.floor(c.value));
  }
  const out: Found[] = [];
  for (const block of blocks.range(from, to)) {
    for (let index = 0; index < block.txs.length; index++) {
      if (matchTx(conditions, block, index)) out.push({ block, index });
    }
  }
  return out;
}

function matchTx(conditions: Condition[], block: Found["block"], index: number): boolean {
  const result = block.results[index];
  return matches(conditions, (key) => {
    if (key === "tx.hash") return [block.txHashes[index] as string];
    if (key === "tx.height") return [String(block.header.height)];
    const values: string[] = [];
    for (const event of result?.events ?? []) {
      for (const attribute of event.attributes) {
        if (`${event.type}.${attribute.key}` === key) values.push(attribute.value);
      }
    }
    return values;
  });
}
