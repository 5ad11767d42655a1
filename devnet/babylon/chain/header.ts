/**
 * @module CometBFT block identity: the header hash (merkle root of the proto-encoded fields, as
 * `types.Header.Hash`), the single validator's ed25519 key, its commit signatures over canonical
 * vote bytes, and the hashes a header carries (data, results, validators, consensus params).
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { bytesToHex, merkleRoot, utf8ToBytes } from "../../../src/crypto/index.ts";
import { sha256, type Timestamp, timestampParts } from "./encoding.ts";

// --- minimal protobuf writer (proto3: zero values omitted unless `always`) ---

function varint(value: bigint): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, value);
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}
const tag = (field: number, wire: number): number[] => varint(BigInt((field << 3) | wire));
const concat = (parts: Array<number[] | Uint8Array>): Uint8Array => {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
};
const pVarint = (field: number, value: bigint | number): Uint8Array =>
  BigInt(value) === 0n ? new Uint8Array() : concat([tag(field, 0), varint(BigInt(value))]);
const pBytes = (field: number, value: Uint8Array, always = false): Uint8Array =>
  value.length === 0 && !always
    ? new Uint8Array()
    : concat([tag(field, 2), varint(BigInt(value.length)), value]);
const pString = (field: number, value: string): Uint8Array => pBytes(field, utf8ToBytes(value));
const pSfixed64 = (field: number, value: bigint): Uint8Array => {
  if (value === 0n) return new Uint8Array();
  const buf = Buffer.alloc(8);
  buf.writeBigInt64LE(value);
  return concat([tag(field, 1), buf]);
};
const pTimestamp = (time: Timestamp): Uint8Array => {
  const { seconds, nanos } = timestampParts(time);
  return concat([pVarint(1, seconds), pVarint(2, nanos)]);
};

export type BlockId = { hash: Uint8Array; partsTotal: number; partsHash: Uint8Array };

const blockIdProto = (id: BlockId | null): Uint8Array =>
  concat([
    pBytes(1, id?.hash ?? new Uint8Array()),
    pBytes(2, concat([pVarint(1, id?.partsTotal ?? 0), pBytes(2, id?.partsHash ?? new Uint8Array())]), true),
  ]);

export const BLOCK_PROTOCOL = 11;

export type HeaderFields = {
  chainId: string;
  height: number;
  time: Timestamp;
  lastBlockId: BlockId | null;
  lastCommitHash: Uint8Array;
  dataHash: Uint8Array;
  validatorsHash: Uint8Array;
  nextValidatorsHash: Uint8Array;
  consensusHash: Uint8Array;
  appHash: Uint8Array;
  lastResultsHash: Uint8Array;
  evidenceHash: Uint8Array;
  proposerAddress: Uint8Array;
};

/** `types.Header.Hash()`. */
export function headerHash(h: HeaderFields): Uint8Array {
  const bytesValue = (b: Uint8Array) => pBytes(1, b);
  return merkleRoot([
    pVarint(1, BLOCK_PROTOCOL),
    pString(1, h.chainId),
    pVarint(1, h.height),
    pTimestamp(h.time),
    blockIdProto(h.lastBlockId),
    bytesValue(h.lastCommitHash),
    bytesValue(h.dataHash),
    bytesValue(h.validatorsHash),
    bytesValue(h.nextValidatorsHash),
    bytesValue(h.consensusHash),
    bytesValue(h.appHash),
    bytesValue(h.lastResultsHash),
    bytesValue(h.evidenceHash),
    bytesValue(h.proposerAddress),
  ]);
}

/** `Txs.Hash()`: merkle root over the tx hashes. */
export const dataHash = (txs: readonly Uint8Array[]): Uint8Array => merkleRoot(txs.map((tx) => sha256(tx)));

/** `LastResultsHash`: merkle root over the deterministic part of each ExecTxResult (code, data, gas). */
export const resultsHash = (
  results: ReadonlyArray<{ code: number; data: Uint8Array; gasWanted: number; gasUsed: number }>,
): Uint8Array =>
  merkleRoot(
    results.map((r) =>
      concat([pVarint(1, r.code), pBytes(2, r.data), pVarint(5, r.gasWanted), pVarint(6, r.gasUsed)]),
    ),
  );

/** Block size limit and gas limit of the consensus params (`HashedParams`). */
export const CONSENSUS_PARAMS = {
  blockMaxBytes: 22_020_096,
  blockMaxGas: -1,
  evidenceMaxAgeNumBlocks: 100_000,
  evidenceMaxAgeDuration: "172800000000000",
  evidenceMaxBytes: 1_048_576,
} as const;

export const consensusHash = (): Uint8Array =>
  sha256(concat([pVarint(1, CONSENSUS_PARAMS.blockMaxBytes), pVarint(2, CONSENSUS_PARAMS.blockMaxGas)]));

/** The devnet's single validator (and node key), derived from the chain id: stable across restarts. */
export class Validator {
  readonly #secret: Uint8Array;
  readonly pubkey: Uint8Array;
  readonly address: Uint8Array;
  readonly votingPower = 100;
  readonly nodeId: string;
  readonly validatorsHash: Uint8Array;

  constructor(chainId: string) {
    this.#secret = sha256(utf8ToBytes(`finality-edge devnet validator ${chainId}`));
    this.pubkey = ed25519.getPublicKey(this.#secret);
    this.address = sha256(this.pubkey).slice(0, 20);
    const nodeKey = ed25519.getPublicKey(sha256(utf8ToBytes(`finality-edge devnet node ${chainId}`)));
    this.nodeId = bytesToHex(sha256(nodeKey).slice(0, 20));
    // SimpleValidator{pub_key: PublicKey{ed25519}, voting_power}
    this.validatorsHash = merkleRoot([
      concat([pBytes(1, pBytes(1, this.pubkey)), pVarint(2, this.votingPower)]),
    ]);
  }

  /** Precommit signature over `CanonicalVote` (length-delimited), as the commit of `height` carries it. */
  signPrecommit(chainId: string, height: number, blockId: BlockId, time: Timestamp): Uint8Array {
    const canonicalBlockId = concat([
      pBytes(1, blockId.hash),
      pBytes(2, concat([pVarint(1, blockId.partsTotal), pBytes(2, blockId.partsHash)]), true),
    ]);
    const vote = concat([
      pVarint(1, 2),
      pSfixed64(2, BigInt(height)),
      pBytes(4, canonicalBlockId, true),
      pBytes(5, pTimestamp(time), true),
      pString(6, chainId),
    ]);
    return ed25519.sign(concat([varint(BigInt(vote.length)), vote]), this.#secret);
  }

  /** `Commit.Hash()` of a one-signature commit. */
  commitHash(signature: Uint8Array, time: Timestamp): Uint8Array {
    return merkleRoot([
      concat([
        pVarint(1, 2),
        pBytes(2, this.address),
        pBytes(3, pTimestamp(time), true),
        pBytes(4, signature),
      ]),
    ]);
  }
}
