/**
 * @module CometBFT 0.38 RPC result shapes, field for field: `cmtjson` conventions (int64/int as
 * strings, uint32/int32 as numbers, bytes as base64, HexBytes as uppercase hex, omitempty honoured)
 * and the jsonpb encoding (defaults emitted, nil bytes as null) of ExecTxResult, ResponseCheckTx,
 * ResponseQuery and event attributes.
 */

import { buildMerkleTree, bytesToBase64 } from "../../../src/crypto/index.ts";
import type { QueryResult, TxResult } from "./app.ts";
import type { BlockRecord, CommitRecord } from "./blocks.ts";
import { rfc3339Nano, sha256, type Timestamp, upperHex } from "./encoding.ts";
import {
  BLOCK_PROTOCOL,
  type BlockId,
  CONSENSUS_PARAMS,
  type HeaderFields,
  type Validator,
} from "./header.ts";
import type { AbciEvent } from "./module.ts";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const bytesOrNull = (bytes: Uint8Array): string | null => (bytes.length === 0 ? null : bytesToBase64(bytes));

/** jsonpb `Event` (inside ExecTxResult / ResponseCheckTx): every attribute indexed, as the SDK marks them. */
export const eventJson = (event: AbciEvent): Json => ({
  type: event.type,
  attributes: event.attributes.map((a) => ({ key: a.key, value: a.value, index: true })),
});

/** jsonpb `ExecTxResult` / `ResponseCheckTx` (EmitDefaults; field names as in the proto). */
export const txResultJson = (r: TxResult): Json => ({
  code: r.code,
  data: bytesOrNull(r.data),
  log: r.log,
  info: "",
  gas_wanted: String(r.gasWanted),
  gas_used: String(r.gasUsed),
  events: r.events.map(eventJson),
  codespace: r.codespace,
});

export const EMPTY_TX_RESULT: TxResult = {
  code: 0,
  codespace: "",
  log: "",
  data: new Uint8Array(),
  gasWanted: 0,
  gasUsed: 0,
  events: [],
};

/** jsonpb `ResponseQuery`. */
export const queryJson = (q: QueryResult): Json => ({
  code: q.code,
  log: q.log,
  info: "",
  index: "0",
  key: null,
  value: bytesOrNull(q.value),
  proofOps: null,
  height: String(q.height),
  codespace: q.codespace,
});

const blockIdJson = (id: BlockId | null): Json => ({
  hash: id ? upperHex(id.hash) : "",
  parts: { total: id?.partsTotal ?? 0, hash: id ? upperHex(id.partsHash) : "" },
});

export const headerJson = (h: HeaderFields): Json => ({
  version: { block: String(BLOCK_PROTOCOL) },
  chain_id: h.chainId,
  height: String(h.height),
  time: rfc3339Nano(h.time),
  last_block_id: blockIdJson(h.lastBlockId),
  last_commit_hash: upperHex(h.lastCommitHash),
  data_hash: upperHex(h.dataHash),
  validators_hash: upperHex(h.validatorsHash),
  next_validators_hash: upperHex(h.nextValidatorsHash),
  consensus_hash: upperHex(h.consensusHash),
  app_hash: upperHex(h.appHash),
  last_results_hash: upperHex(h.lastResultsHash),
  evidence_hash: upperHex(h.evidenceHash),
  proposer_address: upperHex(h.proposerAddress),
});

export const commitJson = (commit: CommitRecord | null, validator: Validator): Json =>
  commit
    ? {
        height: String(commit.height),
        round: 0,
        block_id: blockIdJson(commit.blockId),
        signatures: [
          {
            block_id_flag: 2,
            validator_address: upperHex(validator.address),
            timestamp: rfc3339Nano(commit.time),
            signature: bytesToBase64(commit.signature),
          },
        ],
      }
    : { height: "0", round: 0, block_id: blockIdJson(null), signatures: [] };

export const blockJson = (block: BlockRecord, validator: Validator): Json => ({
  block_id: blockIdJson(block.blockId),
  block: {
    header: headerJson(block.header),
    data: { txs: block.txs.map(bytesToBase64) },
    evidence: { evidence: [] },
    last_commit: commitJson(block.lastCommit, validator),
  },
});

export const blockMetaJson = (block: BlockRecord): Json => ({
  block_id: blockIdJson(block.blockId),
  block_size: String(block.size),
  header: headerJson(block.header),
  num_txs: String(block.txs.length),
});

/** Consensus params: proto form (omitempty) in `block_results`, `types.ConsensusParams` (all fields) in `consensus_params`. */
export const consensusParamsJson = (form: "proto" | "types" = "proto"): Json => ({
  block: { max_bytes: String(CONSENSUS_PARAMS.blockMaxBytes), max_gas: String(CONSENSUS_PARAMS.blockMaxGas) },
  evidence: {
    max_age_num_blocks: String(CONSENSUS_PARAMS.evidenceMaxAgeNumBlocks),
    max_age_duration: CONSENSUS_PARAMS.evidenceMaxAgeDuration,
    max_bytes: String(CONSENSUS_PARAMS.evidenceMaxBytes),
  },
  validator: { pub_key_types: ["ed25519"] },
  version: form === "types" ? { app: "0" } : {},
  abci: form === "types" ? { vote_extensions_enable_height: "0" } : {},
});

export const blockResultsJson = (block: BlockRecord): Json => ({
  height: String(block.header.height),
  txs_results: block.results.length === 0 ? null : block.results.map(txResultJson),
  finalize_block_events: null,
  validator_updates: null,
  consensus_param_updates: consensusParamsJson(),
  app_hash: bytesToBase64(block.resultAppHash),
});

/** `ResultTx` (proof only when asked). */
export const txJson = (block: BlockRecord, index: number, prove: boolean): Json => {
  const tx = block.txs[index] as Uint8Array;
  const out: { [key: string]: Json } = {
    hash: block.txHashes[index] as string,
    height: String(block.header.height),
    index,
    tx_result: txResultJson(block.results[index] as TxResult),
    tx: bytesToBase64(tx),
  };
  if (prove) {
    const proof = buildMerkleTree(block.txs.map((t) => sha256(t))).proof(index);
    out.proof = {
      root_hash: upperHex(block.header.dataHash),
      data: bytesToBase64(tx),
      proof: {
        total: String(proof.total),
        index: String(proof.index),
        leaf_hash: bytesToBase64(proof.leafHash),
        aunts: proof.aunts.map(bytesToBase64),
      },
    };
  }
  return out;
};

export const validatorJson = (validator: Validator): { [key: string]: Json } => ({
  address: upperHex(validator.address),
  pub_key: { type: "tendermint/PubKeyEd25519", value: bytesToBase64(validator.pubkey) },
  voting_power: String(validator.votingPower),
});

export const COMET_VERSION = "0.38.22";

export function statusJson(args: {
  chainId: string;
  validator: Validator;
  rpcAddress: string;
  latest: BlockRecord | undefined;
  earliest: BlockRecord | undefined;
  genesisTime: Timestamp;
}): Json {
  const { latest, earliest } = args;
  return {
    node_info: {
      protocol_version: { p2p: "8", block: String(BLOCK_PROTOCOL), app: "0" },
      id: args.validator.nodeId,
      listen_addr: "tcp://0.0.0.0:26656",
      network: args.chainId,
      version: COMET_VERSION,
      channels: "40202122233038606100",
      moniker: "finality-edge-devnet",
      other: { tx_index: "on", rpc_address: args.rpcAddress },
    },
    sync_info: {
      latest_block_hash: latest ? upperHex(latest.blockId.hash) : "",
      latest_app_hash: latest ? upperHex(latest.header.appHash) : "",
      latest_block_height: String(latest?.header.height ?? 0),
      latest_block_time: rfc3339Nano(latest?.header.time ?? args.genesisTime),
      earliest_block_hash: earliest ? upperHex(earliest.blockId.hash) : "",
      earliest_app_hash: earliest ? upperHex(earliest.header.appHash) : "",
      earliest_block_height: String(earliest?.header.height ?? 0),
      earliest_block_time: rfc3339Nano(earliest?.header.time ?? args.genesisTime),
      catching_up: false,
    },
    validator_info: validatorJson(args.validator),
  };
}
