/**
 * @module In-memory {@link FinalitySources} for tests and local experiments: a chain of blocks with
 * deterministic hashes, a vote book, power tables, and per-method call counters.
 */
import type { BlockRef, FinalitySources, Hex, PowerTable, Voter } from "../../src/finality/types.ts";

/** Deterministic 32-byte hash for `(fork, number)`. */
export function fakeHash(number: bigint, fork = 0): Hex {
  return `0x${fork.toString(16).padStart(8, "0")}${number.toString(16).padStart(56, "0")}` as Hex;
}

/** A linked chain `0..length-1` on `fork`, timestamps `1000 + n`. */
export function fakeChain(length: number, fork = 0): BlockRef[] {
  const chain: BlockRef[] = [];
  for (let i = 0; i < length; i++) {
    const n = BigInt(i);
    chain.push({
      number: n,
      hash: fakeHash(n, fork),
      parentHash: i === 0 ? fakeHash(0n, 0xffff) : (chain[i - 1] as BlockRef).hash,
      timestamp: 1000n + n,
    });
  }
  return chain;
}

/** Replaces the chain from `from` upward with blocks of `fork` (a reorg), keeping the link to `from − 1`. */
export function reorgChain(chain: BlockRef[], from: number, fork: number): BlockRef[] {
  const out = chain.slice(0, from);
  for (let i = from; i < chain.length; i++) {
    const n = BigInt(i);
    out.push({
      number: n,
      hash: fakeHash(n, fork),
      parentHash: i === 0 ? fakeHash(0n, 0xffff) : (out[i - 1] as BlockRef).hash,
      timestamp: 1000n + n + 1n,
    });
  }
  return out;
}

export type FakeSources = FinalitySources & {
  chain: BlockRef[];
  /** `${height}/${hash}` → votes. */
  readonly book: Map<string, Voter[]>;
  readonly calls: { block: number; votes: number; powerAt: number };
  /** Power table used for a timestamp (default: `defaultPower`). */
  table: (timestamp: bigint) => PowerTable;
  /** Records votes of `fps` for `block`. */
  vote(block: { number: bigint; hash: Hex }, fps: readonly string[]): void;
};

export function fakeVoter(fpBtcPk: string, height = 0n): Voter {
  return { fpBtcPk, pubRand: `${height.toString(16).padStart(64, "0")}`, signature: "ab".repeat(32) };
}

/** Power table `{ fp: power }` at BTC height `btcHeight`. */
export function powerTable(powers: Record<string, bigint>, btcHeight = 100n): PowerTable {
  return { btcHeight, power: new Map(Object.entries(powers)) };
}

export function fakeSources(chain: BlockRef[], powers: Record<string, bigint>): FakeSources {
  const book = new Map<string, Voter[]>();
  const calls = { block: 0, votes: 0, powerAt: 0 };
  const self: FakeSources = {
    chain,
    book,
    calls,
    table: () => powerTable(powers),
    async block(number) {
      calls.block++;
      return self.chain[Number(number)] ?? null;
    },
    async votes(height, hash) {
      calls.votes++;
      return book.get(`${height}/${hash}`) ?? [];
    },
    async powerAt(timestamp) {
      calls.powerAt++;
      return self.table(timestamp);
    },
    vote(block, fps) {
      const key = `${block.number}/${block.hash}`;
      book.set(key, [...(book.get(key) ?? []), ...fps.map((fp) => fakeVoter(fp, block.number))]);
    },
  };
  return self;
}
