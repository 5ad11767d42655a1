/** @module `getBtcHeightAtTimestamp`: the BTC height an L2 timestamp maps to, clamped to the light client's tip. */
import {
  QueryMainChainRequest,
  QueryMainChainResponse,
} from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/btclightclient/v1/query";
import { type BtcHeaderInfo, toBtcHeaderInfo } from "./btc-header.ts";
import { BabylonInvalidResponseError, BtcTimestampBeforeBaseError } from "./errors.ts";
import { getBtcBaseHeader } from "./get-btc-base-header.ts";
import { displayHashToKey } from "./internal.ts";
import type { BabylonRpc } from "./rpc.ts";
import { grpcQuery } from "./upstream.ts";

/** Immutable BTC header facts by height, e.g. backed by KV (`btc/{chain}/{height}`). Failures count as misses. */
export type BtcHeaderCache = {
  get(
    height: number,
  ):
    | Promise<{ timestamp: number; hash: string } | undefined>
    | { timestamp: number; hash: string }
    | undefined;
  put(height: number, header: { timestamp: number; hash: string }): Promise<void> | void;
};

export type BtcHeightAtTimestampOptions = {
  /** Headers at least `cacheDepth` below the tip are read from and written to this cache. */
  readonly headerCache?: BtcHeaderCache;
  /** Depth below the tip from which a header is treated as immutable and cached (default 6). */
  readonly cacheDepth?: number;
  /** Headers in the first `MainChain` page, from the tip down (default 12, ~2 hours of BTC). */
  readonly firstPageSize?: number;
  /** Headers per later page (default 1000, Babylon's `MaxHeadersPerRequest`). */
  readonly pageSize?: number;
};

export type BtcHeightAtTimestamp = BtcHeaderInfo & {
  /** The timestamp is at or past the tip's: the answer is the tip (the reference gadget overflows here). */
  clamped: boolean;
};

const SERVICE = "babylon.btclightclient.v1.Query";
const PATH = `/${SERVICE}/MainChain`;

/** One `MainChain` page (from the tip down when `key` is empty), checked to descend by one. */
export async function mainChainPage(rpc: BabylonRpc, key: Uint8Array, limit: number) {
  const response = await grpcQuery(
    rpc.rpc,
    SERVICE,
    "MainChain",
    QueryMainChainRequest,
    QueryMainChainResponse,
    {
      pagination: { key, offset: 0, limit, countTotal: false, reverse: false },
    },
  );
  const headers = response.headers.map((h) => toBtcHeaderInfo(h, PATH));
  for (let i = 1; i < headers.length; i++) {
    if ((headers[i] as BtcHeaderInfo).height !== (headers[i - 1] as BtcHeaderInfo).height - 1) {
      throw new BabylonInvalidResponseError(PATH, "MainChain page is not descending by one");
    }
  }
  return { headers, nextKey: response.pagination?.nextKey ?? new Uint8Array() };
}

async function cacheGet(cache: BtcHeaderCache, height: number) {
  try {
    return await cache.get(height);
  } catch {
    return undefined;
  }
}

/**
 * The highest BTC height whose header timestamp is ≤ `timestamp` (unix seconds), by the light client's
 * main chain; a timestamp at or past the tip's maps to the tip (`clamped: true`).
 *
 * Cost: a fresh timestamp (within the first page from the tip) costs one `abci_query` at
 * `/babylon.btclightclient.v1.Query/MainChain`. Otherwise one `/babylon.btclightclient.v1.Query/BaseHeader`,
 * then `MainChain` pages walking down by `next_key` (Babylon's `MainChain` ignores `offset`, and no query
 * serves a header by height, so there is no random access without known hashes). With a `headerCache`,
 * the walk first binary-searches the cached heights (no RPC) and starts from the closest cached hash.
 * The downward scan takes the first header with time ≤ `timestamp`, so it is exact even for non-monotonic
 * miner timestamps; the cache-assisted binary search assumes monotonic timestamps.
 *
 * @throws BtcTimestampBeforeBaseError (`btc_height_unknown`) when `timestamp` precedes the base header;
 *   BabylonUnavailableError / BabylonQueryError / BabylonInvalidResponseError.
 */
export async function getBtcHeightAtTimestamp(
  rpc: BabylonRpc,
  timestamp: number,
  options: BtcHeightAtTimestampOptions = {},
): Promise<BtcHeightAtTimestamp> {
  const { headerCache, cacheDepth = 6, firstPageSize = 12, pageSize = 1000 } = options;
  const first = await mainChainPage(rpc, new Uint8Array(), firstPageSize);
  const tip = first.headers[0];
  if (tip === undefined) throw new BabylonInvalidResponseError(PATH, "MainChain returned no headers");

  const remember = async (headers: readonly BtcHeaderInfo[]): Promise<void> => {
    if (headerCache === undefined) return;
    await Promise.all(
      headers
        .filter((h) => tip.height - h.height >= cacheDepth)
        .map(async (h) => {
          try {
            await headerCache.put(h.height, { timestamp: h.timestamp, hash: h.hash });
          } catch {
            // A cache write failure never fails the read.
          }
        }),
    );
  };
  await remember(first.headers);

  if (timestamp >= tip.timestamp) return { ...tip, clamped: true };
  const hit = first.headers.find((h) => h.timestamp <= timestamp);
  if (hit !== undefined) return { ...hit, clamped: false };

  let lowest = first.headers[first.headers.length - 1] as BtcHeaderInfo;
  if (first.headers.length < firstPageSize) {
    // The whole chain fit in the page: `lowest` is the base header.
    throw new BtcTimestampBeforeBaseError(timestamp, lowest);
  }
  const base = await getBtcBaseHeader(rpc);
  if (timestamp < base.timestamp || lowest.height <= base.height) {
    throw new BtcTimestampBeforeBaseError(timestamp, base);
  }

  // `lo` is known to have time ≤ timestamp; the answer lies in [lo, hi) with `hi` known to be too late.
  let lo: BtcHeaderInfo = base;
  let hi: BtcHeaderInfo = lowest;
  let key = first.nextKey;
  if (headerCache !== undefined) {
    while (hi.height - lo.height > 1) {
      const mid = lo.height + Math.floor((hi.height - lo.height) / 2);
      const cached = await cacheGet(headerCache, mid);
      if (cached === undefined) break;
      const info = { height: mid, timestamp: cached.timestamp, hash: cached.hash };
      if (cached.timestamp <= timestamp) lo = info;
      else hi = info;
    }
    if (hi !== lowest) key = new Uint8Array(); // restart below the cached `hi`
  }

  while (hi.height - lo.height > 1) {
    let page: BtcHeaderInfo[];
    if (key.length === 0) {
      // Start at `hi` itself (its hash is the key), then drop it.
      const below = Math.min(pageSize - 1, hi.height - lo.height - 1);
      const response = await mainChainPage(rpc, displayHashToKey(hi.hash), below + 1);
      if (response.headers[0]?.hash !== hi.hash) {
        throw new BabylonInvalidResponseError(PATH, `header ${hi.height} is no longer on the main chain`);
      }
      page = response.headers.slice(1);
      key = response.nextKey;
    } else {
      const response = await mainChainPage(rpc, key, Math.min(pageSize, hi.height - lo.height - 1));
      page = response.headers;
      key = response.nextKey;
    }
    if (page.length === 0 || (page[0] as BtcHeaderInfo).height !== hi.height - 1) {
      throw new BabylonInvalidResponseError(PATH, `MainChain page does not continue below ${hi.height}`);
    }
    await remember(page);
    const found = page.find((h) => h.timestamp <= timestamp);
    if (found !== undefined) return { ...found, clamped: false };
    lowest = page[page.length - 1] as BtcHeaderInfo;
    hi = lowest;
  }
  return { ...lo, clamped: false };
}
