/**
 * @module x/btclightclient: a synthetic Bitcoin header chain. It starts with the genesis headers (the base
 * header up to the genesis tip, 10 minutes apart, none after the genesis time) and grows by one header each
 * time block time passes the last header's scheduled time plus `BTC_BLOCK_MS` (the schedule starts at the
 * genesis time), so header timestamps follow that schedule and depend only on the genesis and block times.
 * Every header is a real 80-byte encoding at regtest difficulty (nonce ground until the hash meets the
 * target), linked by previous-block hash; `work` is cumulative. Queries mirror Babylon's
 * `x/btclightclient/keeper/grpc_query.go`, including `MainChain`'s own paging (tip-down by default,
 * base-up with `reverse`, `next_key` = raw hash bytes).
 */
import {
  type BTCHeaderInfoResponse,
  QueryBaseHeaderRequest,
  QueryBaseHeaderResponse,
  QueryContainsBytesRequest,
  QueryContainsBytesResponse,
  QueryContainsRequest,
  QueryContainsResponse,
  QueryHashesRequest,
  QueryHashesResponse,
  QueryHeaderDepthRequest,
  QueryHeaderDepthResponse,
  QueryMainChainRequest,
  QueryMainChainResponse,
  QueryParamsRequest,
  QueryParamsResponse,
  QueryTipRequest,
  QueryTipResponse,
} from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/btclightclient/v1/query";
import { bytesToHex, hexToBytes } from "../../../../src/crypto/index.ts";
import type { BlockContext, ChainModule } from "../../chain/module.ts";
import { PRE_GENESIS_BTC_SPACING_S } from "../../genesis.ts";
import { heightKey, type KVStore } from "../../store/kv-store.ts";
import {
  decodeHeader,
  HEADER_VERSION,
  hashDisplayHex,
  hashFromDisplayHex,
  headerHash,
  mineHeader,
  REGTEST_BITS,
  workForBits,
} from "./btc-header.ts";
import { grpcQuery } from "./grpc.ts";
import { paginate } from "./pagination.ts";
import { queryError } from "./query-errors.ts";
import { labelled } from "./synthetic.ts";

const SERVICE = "/babylon.btclightclient.v1.Query";
const META_KEY = "btclightclient/meta";
const HEADER_PREFIX = "btclightclient/header/";
const HASH_PREFIX = "btclightclient/hash/";

/** `MaxHeadersPerRequest` of Babylon's MainChain query. */
export const MAX_HEADERS_PER_REQUEST = 1000;
/** At most this many headers are appended in one block; a long pause catches up over several blocks. */
export const MAX_HEADERS_PER_BLOCK = 1000;

export type HeaderRecord = {
  height: number;
  /** The 80-byte header, hex. */
  headerHex: string;
  /** Block hash, display (byte-reversed) hex. */
  hashHex: string;
  /** Cumulative work up to and including this header, decimal. */
  work: string;
};

type Meta = { baseHeight: number; tipHeight: number; lastScheduledMs: number };

function meta(store: KVStore): Meta {
  const value = store.get<Meta>(META_KEY);
  if (value === undefined) throw new Error("btclightclient: genesis not initialised");
  return value;
}

function storeHeader(store: KVStore, record: HeaderRecord): void {
  store.set(HEADER_PREFIX + heightKey(record.height), record);
  store.set(HASH_PREFIX + bytesToHex(hashFromDisplayHex(record.hashHex)), record.height);
}

function build(height: number, prevBlock: Uint8Array, time: number, prevWork: bigint): HeaderRecord {
  const { bytes, hash } = mineHeader({
    version: HEADER_VERSION,
    prevBlock,
    merkleRoot: labelled(`btc/merkle/${height}`),
    time,
    bits: REGTEST_BITS,
  });
  return {
    height,
    headerHex: bytesToHex(bytes),
    hashHex: hashDisplayHex(hash),
    work: (prevWork + workForBits(REGTEST_BITS)).toString(),
  };
}

/**
 * Stores the genesis headers: the base header (at `baseHeight`, work as if every header since Bitcoin's
 * genesis had regtest difficulty) with timestamp `baseTime`, then each header up to `tipHeight` (default: the
 * base alone) `PRE_GENESIS_BTC_SPACING_S` after its parent, as the `btc_headers` of a real Babylon genesis;
 * and anchors the schedule at the genesis block time: header tip+n is due n × `BTC_BLOCK_MS` after genesis.
 * No genesis header is later than the genesis block time (a chain core that starts at the wall clock must
 * not find its BTC chain waiting for a future timestamp), so timestamps never decrease.
 */
export function initLightClient(
  store: KVStore,
  options: { baseHeight: number; baseTime: number; tipHeight?: number; genesisTimeMs: number },
): HeaderRecord {
  const genesisSeconds = Math.floor(options.genesisTimeMs / 1000);
  const tipHeight = options.tipHeight ?? options.baseHeight;
  if (tipHeight < options.baseHeight) throw new Error("btclightclient: genesis tip below the base header");
  const baseWorkBefore = workForBits(REGTEST_BITS) * BigInt(options.baseHeight);
  const timeOf = (height: number) =>
    Math.min(options.baseTime + (height - options.baseHeight) * PRE_GENESIS_BTC_SPACING_S, genesisSeconds);
  const base = build(
    options.baseHeight,
    labelled(`btc/prev/${options.baseHeight}`),
    timeOf(options.baseHeight),
    baseWorkBefore,
  );
  storeHeader(store, base);
  let tip = base;
  for (let height = options.baseHeight + 1; height <= tipHeight; height++) {
    tip = build(height, headerHash(hexToBytes(tip.headerHex)), timeOf(height), BigInt(tip.work));
    storeHeader(store, tip);
  }
  store.set(META_KEY, {
    baseHeight: options.baseHeight,
    tipHeight,
    lastScheduledMs: options.genesisTimeMs,
  });
  return base;
}

/** Appends the headers whose scheduled time `block time` has reached; returns how many. */
export function advanceLightClient(store: KVStore, blockTimeMs: number, btcBlockMs: number): number {
  const m = meta(store);
  let tip = headerAtHeight(store, m.tipHeight) as HeaderRecord;
  let appended = 0;
  while (blockTimeMs >= m.lastScheduledMs + btcBlockMs && appended < MAX_HEADERS_PER_BLOCK) {
    m.lastScheduledMs += btcBlockMs;
    const time = Math.floor(m.lastScheduledMs / 1000);
    if (time > 0xffff_ffff) throw new Error("BTC header time overflows u32");
    tip = build(tip.height + 1, headerHash(hexToBytes(tip.headerHex)), time, BigInt(tip.work));
    storeHeader(store, tip);
    m.tipHeight = tip.height;
    appended++;
  }
  if (appended > 0) store.set(META_KEY, m);
  return appended;
}

export function headerAtHeight(store: KVStore, height: number): HeaderRecord | undefined {
  return store.get<HeaderRecord>(HEADER_PREFIX + heightKey(height));
}

/** By hash in internal byte order. */
export function headerByHash(store: KVStore, hashInternal: Uint8Array): HeaderRecord | undefined {
  const height = store.get<number>(HASH_PREFIX + bytesToHex(hashInternal));
  return height === undefined ? undefined : headerAtHeight(store, height);
}

export function tipHeader(store: KVStore): HeaderRecord {
  return headerAtHeight(store, meta(store).tipHeight) as HeaderRecord;
}

export function baseHeader(store: KVStore): HeaderRecord {
  return headerAtHeight(store, meta(store).baseHeight) as HeaderRecord;
}

/** The light client's tip height (`GetTipInfo(ctx).Height`). */
export function btcTipHeight(store: KVStore): number {
  return meta(store).tipHeight;
}

function toResponse(record: HeaderRecord): BTCHeaderInfoResponse {
  return { headerHex: record.headerHex, hashHex: record.hashHex, height: record.height, work: record.work };
}

function headerAt(store: KVStore, height: number): HeaderRecord {
  const record = headerAtHeight(store, height);
  if (record === undefined) throw queryError.internal(`header at height ${height} is missing`);
  return record;
}

function mainChain(store: KVStore, request: QueryMainChainRequest): QueryMainChainResponse {
  const page = request.pagination;
  const limit = page === undefined || page.limit === 0 ? 100 : page.limit;
  if (limit > MAX_HEADERS_PER_REQUEST) {
    throw queryError.invalidArgument(
      `pagination limit is larger than the maximum limit of ${MAX_HEADERS_PER_REQUEST}`,
    );
  }
  let keyHeader: HeaderRecord | undefined;
  if (page !== undefined && page.key.length > 0) {
    if (page.key.length !== 32) throw queryError.invalidArgument("key does not correspond to a header hash");
    keyHeader = headerByHash(store, page.key);
    if (keyHeader === undefined) throw queryError.invalidArgument("header specified by key does not exist");
  }
  const { baseHeight, tipHeight } = meta(store);
  const headers: HeaderRecord[] = [];
  let nextKey: Uint8Array = new Uint8Array();
  if (page?.reverse === true) {
    // From the base header upwards; next_key is the hash of the first header past the page.
    const start = (keyHeader?.height ?? baseHeight) - baseHeight;
    const length = tipHeight - baseHeight + 1;
    const end = Math.min(start + limit, length);
    for (let i = start; i < end; i++) headers.push(headerAt(store, baseHeight + i));
    if (end < length) nextKey = hashFromDisplayHex(headerAt(store, baseHeight + end).hashHex);
  } else {
    // From the key header (default: the tip) downwards; next_key is always the parent hash of the
    // page's last header, even below the base header, where it names a header the chain lacks.
    const start = keyHeader?.height ?? tipHeight;
    const lowest = Math.max(baseHeight, start - limit + 1);
    for (let h = start; h >= lowest; h--) headers.push(headerAt(store, h));
    const last = headers[headers.length - 1] as HeaderRecord;
    nextKey = decodeHeader(hexToBytes(last.headerHex)).prevBlock;
  }
  return { headers: headers.map(toResponse), pagination: { nextKey, total: 0 } };
}

function headerDepth(store: KVStore, hash: string): number {
  if (hash.length !== 64 || !/^[0-9a-fA-F]*$/.test(hash)) {
    throw queryError.invalidArgument("provided hash is not a valid hex string");
  }
  const header = headerByHash(store, hashFromDisplayHex(hash.toLowerCase()));
  if (header === undefined)
    throw queryError.registered("header does not exist", "no header with provided hash");
  return btcTipHeight(store) - header.height;
}

export function createBtcLightClientModule(options: { btcBlockMs: number }): ChainModule {
  return {
    name: "btclightclient",
    beginBlock(ctx: BlockContext) {
      advanceLightClient(ctx.store, ctx.time.getTime(), options.btcBlockMs);
    },
    queries: {
      [`${SERVICE}/Params`]: grpcQuery(QueryParamsRequest, QueryParamsResponse, () => ({
        params: { insertHeadersAllowList: [] },
      })),
      [`${SERVICE}/Tip`]: grpcQuery(QueryTipRequest, QueryTipResponse, (_req, ctx) => ({
        header: toResponse(tipHeader(ctx.store)),
      })),
      [`${SERVICE}/BaseHeader`]: grpcQuery(QueryBaseHeaderRequest, QueryBaseHeaderResponse, (_req, ctx) => ({
        header: toResponse(baseHeader(ctx.store)),
      })),
      [`${SERVICE}/MainChain`]: grpcQuery(QueryMainChainRequest, QueryMainChainResponse, (req, ctx) =>
        mainChain(ctx.store, req),
      ),
      [`${SERVICE}/HeaderDepth`]: grpcQuery(
        QueryHeaderDepthRequest,
        QueryHeaderDepthResponse,
        (req, ctx) => ({
          depth: headerDepth(ctx.store, req.hash),
        }),
      ),
      [`${SERVICE}/Contains`]: grpcQuery(QueryContainsRequest, QueryContainsResponse, (req, ctx) => ({
        contains: req.hash.length === 32 && headerByHash(ctx.store, req.hash) !== undefined,
      })),
      [`${SERVICE}/ContainsBytes`]: grpcQuery(
        QueryContainsBytesRequest,
        QueryContainsBytesResponse,
        (req, ctx) => {
          if (req.hash.length !== 32) throw queryError.plain("invalid header hash length");
          return { contains: headerByHash(ctx.store, req.hash) !== undefined };
        },
      ),
      [`${SERVICE}/Hashes`]: grpcQuery(QueryHashesRequest, QueryHashesResponse, (req, ctx) => {
        const key = req.pagination?.key;
        if (key !== undefined && key.length !== 0 && key.length !== 32) {
          throw queryError.plain("invalid header hash length");
        }
        const page = paginate(ctx.store, HASH_PREFIX, req.pagination, (keyHex) => hexToBytes(keyHex));
        return { hashes: page.items, pagination: page.pagination };
      }),
    },
  };
}
