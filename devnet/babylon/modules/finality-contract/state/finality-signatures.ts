/**
 * @module Votes (contract.md §10.4): `finality_signatures` `(height, fp_pk)` → set of
 * `{finality_sig, block_hash}`, `signatories_by_block_hash` `(height, block_hash)` → set of FP hex
 * keys, and `highest_voted_height` per FP. Sets keep insertion order, so the "first" stored vote
 * (the canonical one in equivocation evidence) is the earliest.
 */
import { bytesToHex, equalBytes } from "../../../../../src/crypto/index.ts";
import { ContractError } from "../errors.ts";
import {
  bytesFromJson,
  bytesToJson,
  type ContractStorage,
  loadU64,
  type StoredU64,
  storeU64,
  u64Key,
} from "../storage.ts";

export const FINALITY_SIGNATURES = "finality_signatures/";
export const SIGNATORIES_BY_BLOCK_HASH = "signatories_by_block_hash/";
const HIGHEST_VOTED_HEIGHT = "highest_voted_height/";

export type FinalitySigInfo = { finalitySig: Uint8Array; blockHash: Uint8Array };
type StoredSigInfo = { finality_sig: number[]; block_hash: number[] };

const sigsKey = (height: bigint, fpPubkey: Uint8Array) =>
  `${FINALITY_SIGNATURES}${u64Key(height)}/${bytesToHex(fpPubkey)}`;
const signatoriesKey = (height: bigint, blockHash: Uint8Array) =>
  `${SIGNATORIES_BY_BLOCK_HASH}${u64Key(height)}/${bytesToHex(blockHash)}`;

/** The FP's stored votes at a height, or `undefined` when it never voted there. */
export function listFinalitySignatures(
  storage: ContractStorage,
  height: bigint,
  fpPubkey: Uint8Array,
): FinalitySigInfo[] | undefined {
  const stored = storage.get<StoredSigInfo[]>(sigsKey(height, fpPubkey));
  return stored?.map((info) => ({
    finalitySig: bytesFromJson(info.finality_sig),
    blockHash: bytesFromJson(info.block_hash),
  }));
}

export const sameVote = (a: FinalitySigInfo, b: FinalitySigInfo): boolean =>
  equalBytes(a.finalitySig, b.finalitySig) && equalBytes(a.blockHash, b.blockHash);

export function signatoriesByBlockHash(
  storage: ContractStorage,
  height: bigint,
  blockHash: Uint8Array,
): string[] | undefined {
  return storage.get<string[]>(signatoriesKey(height, blockHash));
}

export function highestVotedHeight(storage: ContractStorage, fpPubkey: Uint8Array): bigint | undefined {
  const stored = storage.get<StoredU64>(HIGHEST_VOTED_HEIGHT + bytesToHex(fpPubkey));
  return stored === undefined ? undefined : loadU64(stored);
}

/**
 * `insert_finality_sig_and_signatory`: add the vote to the FP's set at the height, the FP to the
 * block's signatories, and raise its highest voted height.
 */
export function insertFinalitySigAndSignatory(
  storage: ContractStorage,
  fpPubkey: Uint8Array,
  height: bigint,
  vote: FinalitySigInfo,
): void {
  const fpHex = bytesToHex(fpPubkey);
  const sigs = listFinalitySignatures(storage, height, fpPubkey) ?? [];
  if (sigs.some((stored) => sameVote(stored, vote))) {
    throw new ContractError(
      `Duplicated finality signature for finality provider ${fpHex} at height ${height}`,
    );
  }
  sigs.push(vote);
  storage.set(
    sigsKey(height, fpPubkey),
    sigs.map((info) => ({
      finality_sig: bytesToJson(info.finalitySig),
      block_hash: bytesToJson(info.blockHash),
    })),
  );

  const signatories = signatoriesByBlockHash(storage, height, vote.blockHash) ?? [];
  if (signatories.includes(fpHex)) throw new ContractError(`Duplicate signatory ${fpHex}`);
  signatories.push(fpHex);
  storage.set(signatoriesKey(height, vote.blockHash), signatories);

  const highest = highestVotedHeight(storage, fpPubkey) ?? 0n;
  if (height >= highest) storage.set(HIGHEST_VOTED_HEIGHT + fpHex, storeU64(height));
}
