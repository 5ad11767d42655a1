/**
 * @module x/finality's equivocation handling (Babylon v3 `HandleEquivocationEvidence`): the
 * finality contract reports two EOTS signatures by one FP at one height with one randomness; the
 * chain rebuilds both vote messages with the evidence's signing context, extracts the FP's BTC
 * secret key from them, checks it belongs to the reported FP, slashes the FP (its
 * `slashed_babylon_height` / `slashed_btc_height` become the current heights; the contract rejects
 * its later messages) and stores the evidence. Any failure rejects the whole tx, as on Babylon.
 */

import {
  QueryEvidenceRequest,
  QueryEvidenceResponse,
} from "@babylonlabs-io/babylon-proto-ts/dist/generated/babylon/finality/v1/query";
import { fromBech32 } from "@cosmjs/encoding";
import {
  bytesToBase64,
  bytesToHex,
  concatBytes,
  ExtractionError,
  eotsExtract,
  equalBytes,
  hexToBytes,
  u64ToBigEndian,
  utf8ToBytes,
  voteMessage,
  xOnlyPublicKey,
} from "../../../../src/crypto/index.ts";
import type { AbciEvent, BlockContext, ChainModule, TxContext } from "../../chain/module.ts";
import { heightKey, type KVStore } from "../../store/kv-store.ts";
import type { EquivocationEvidence } from "../babylon-host.ts";
import { btcTipHeight } from "./btclightclient.ts";
import { getFinalityProvider, setFinalityProvider } from "./btcstaking-records.ts";
import { goBip340PubKeyHex, goHexDecode } from "./go-parse.ts";
import { grpcQuery } from "./grpc.ts";
import { queryError, txError } from "./query-errors.ts";

const EVIDENCE_PREFIX = "finality/evidence/";

/** `ErrInvalidEquivocationEvidence` (x/finality 1120; the typo is Babylon's). */
const invalidEvidence = (wrap: string) =>
  txError.registered("finality", 1120, "equivocation evindence message is not valid", wrap);

export const SLASHED_FP_EVENT = "babylon.finality.v1.EventSlashedFinalityProvider";

export type EvidenceRecord = {
  fpBtcPkHex: string;
  blockHeight: number;
  pubRandHex: string;
  canonicalAppHashHex: string;
  forkAppHashHex: string;
  canonicalFinalitySigHex: string;
  forkFinalitySigHex: string;
  signingContext: string;
};

type ParsedEvidence = {
  fpBtcPk: Uint8Array;
  blockHeight: number;
  pubRand: Uint8Array;
  canonicalAppHash: Uint8Array;
  forkAppHash: Uint8Array;
  canonicalSig: Uint8Array;
  forkSig: Uint8Array;
  signingContext: string;
};

function decodeFixed(hex: string, length: number): Uint8Array {
  const bytes = goHexDecode(hex);
  if (bytes.length !== length) throw new Error("invalid data length");
  return bytes;
}

/** `MsgEquivocationEvidence.ParseToEvidence`, with its checks and error texts. */
function parseEvidence(evidence: EquivocationEvidence): ParsedEvidence {
  try {
    fromBech32(evidence.signer, 90);
  } catch (error) {
    throw txError.invalidAddress(`invalid signer address (${(error as Error).message})`);
  }
  const field = <T>(wrap: string, parse: () => T): T => {
    try {
      return parse();
    } catch (error) {
      throw invalidEvidence(`${wrap}: ${(error as Error).message}`);
    }
  };
  const fpBtcPk = field("invalid FP BTC PK", () => hexToBytes(goBip340PubKeyHex(evidence.fp_btc_pk_hex)));
  const pubRand = field("invalid PubRand", () => decodeFixed(evidence.pub_rand_hex, 32));
  const appHash = (hex: string, name: string) => {
    try {
      return decodeFixed(hex, 32);
    } catch {
      throw invalidEvidence(`malformed ${name}`);
    }
  };
  const canonicalAppHash = appHash(evidence.canonical_app_hash_hex, "CanonicalAppHash");
  const forkAppHash = appHash(evidence.fork_app_hash_hex, "ForkAppHash");
  const canonicalSig = field("invalid CanonicalFinalitySig", () =>
    decodeFixed(evidence.canonical_finality_sig_hex, 32),
  );
  const forkSig = field("invalid ForkFinalitySig", () => decodeFixed(evidence.fork_finality_sig_hex, 32));
  return {
    fpBtcPk,
    blockHeight: evidence.block_height,
    pubRand,
    canonicalAppHash,
    forkAppHash,
    canonicalSig,
    forkSig,
    signingContext: evidence.signing_context,
  };
}

/** `msgToSignForVote`: `context || BE64(height) || hash`; Babylon prepends any context string as is. */
function voteBytes(context: string, height: number, blockHash: Uint8Array): Uint8Array {
  try {
    return voteMessage(context, height, blockHash);
  } catch {
    return concatBytes(utf8ToBytes(context), u64ToBigEndian(height, "height"), blockHash);
  }
}

/** `Evidence.ExtractBTCSK` with Go's `eots.Extract` failure texts. */
function extractSecretKey(e: ParsedEvidence): Uint8Array {
  try {
    return eotsExtract(
      e.fpBtcPk,
      e.pubRand,
      voteBytes(e.signingContext, e.blockHeight, e.canonicalAppHash),
      e.canonicalSig,
      voteBytes(e.signingContext, e.blockHeight, e.forkAppHash),
      e.forkSig,
    );
  } catch (error) {
    if (error instanceof ExtractionError && error.reason === "identical_signatures") {
      throw txError.plain("The two signatures need to be different in order to extract");
    }
    throw txError.plain("Extracted private key does not match public key");
  }
}

function evidenceKey(fpBtcPkHex: string, height: number): string {
  return `${EVIDENCE_PREFIX}${fpBtcPkHex}/${heightKey(height)}`;
}

/** Events go to the tx result when the caller passes the tx's context (a `TxContext`). */
function emitterOf(ctx: BlockContext): ((event: AbciEvent) => void) | undefined {
  const emit = (ctx as Partial<TxContext>).emit;
  return typeof emit === "function" ? emit.bind(ctx) : undefined;
}

/** The typed event's attributes as the SDK renders them: proto JSON (snake_case, u64 as string). */
function slashedEvent(record: EvidenceRecord): AbciEvent {
  const b64 = (hex: string) => bytesToBase64(hexToBytes(hex));
  const evidence = {
    fp_btc_pk: record.fpBtcPkHex,
    block_height: String(record.blockHeight),
    pub_rand: b64(record.pubRandHex),
    canonical_app_hash: b64(record.canonicalAppHashHex),
    fork_app_hash: b64(record.forkAppHashHex),
    canonical_finality_sig: b64(record.canonicalFinalitySigHex),
    fork_finality_sig: b64(record.forkFinalitySigHex),
    signing_context: record.signingContext,
  };
  return { type: SLASHED_FP_EVENT, attributes: [{ key: "evidence", value: JSON.stringify(evidence) }] };
}

/**
 * Babylon's handler for `msg_equivocation_evidence`. Validates everything before writing, so a
 * rejected evidence leaves the store untouched even outside a tx overlay.
 */
export function handleEquivocationEvidence(ctx: BlockContext, evidence: EquivocationEvidence): void {
  const parsed = parseEvidence(evidence);
  const secretKey = extractSecretKey(parsed);
  if (!equalBytes(xOnlyPublicKey(secretKey), parsed.fpBtcPk)) {
    throw invalidEvidence("extracted public key does not match the one in evidence");
  }
  const fpBtcPkHex = bytesToHex(parsed.fpBtcPk);
  const fp = getFinalityProvider(ctx.store, fpBtcPkHex);
  if (fp === undefined)
    throw txError.plain("failed to slash finality provider: the finality provider is not found");
  if (fp.slashedBabylonHeight > 0 || fp.slashedBtcHeight > 0) {
    throw txError.plain("failed to slash finality provider: the finality provider has already been slashed");
  }
  fp.slashedBabylonHeight = ctx.height;
  fp.slashedBtcHeight = btcTipHeight(ctx.store);
  setFinalityProvider(ctx.store, fp);

  const record: EvidenceRecord = {
    fpBtcPkHex,
    blockHeight: parsed.blockHeight,
    pubRandHex: bytesToHex(parsed.pubRand),
    canonicalAppHashHex: bytesToHex(parsed.canonicalAppHash),
    forkAppHashHex: bytesToHex(parsed.forkAppHash),
    canonicalFinalitySigHex: bytesToHex(parsed.canonicalSig),
    forkFinalitySigHex: bytesToHex(parsed.forkSig),
    signingContext: parsed.signingContext,
  };
  ctx.store.set(evidenceKey(fpBtcPkHex, parsed.blockHeight), record);
  emitterOf(ctx)?.(slashedEvent(record));
}

/** The lowest-height stored evidence of an FP (`GetFirstSlashableEvidence`). */
export function firstEvidence(store: KVStore, fpBtcPkHex: string): EvidenceRecord | undefined {
  const [first] = store.entries(`${EVIDENCE_PREFIX}${fpBtcPkHex}/`);
  return first === undefined ? undefined : (first[1] as EvidenceRecord);
}

export function createFinalityModule(): ChainModule {
  return {
    name: "finality",
    queries: {
      "/babylon.finality.v1.Query/Evidence": grpcQuery(
        QueryEvidenceRequest,
        QueryEvidenceResponse,
        (req, ctx) => {
          let pkHex: string;
          try {
            pkHex = goBip340PubKeyHex(req.fpBtcPkHex);
          } catch (error) {
            throw queryError.invalidArgument(
              `failed to unmarshal finality provider BTC PK hex: ${(error as Error).message}`,
            );
          }
          const e = firstEvidence(ctx.store, pkHex);
          if (e === undefined) throw queryError.registered("there is no slashable evidence");
          return {
            evidence: {
              fpBtcPkHex: e.fpBtcPkHex,
              blockHeight: e.blockHeight,
              pubRand: hexToBytes(e.pubRandHex),
              canonicalAppHash: hexToBytes(e.canonicalAppHashHex),
              forkAppHash: hexToBytes(e.forkAppHashHex),
              canonicalFinalitySig: hexToBytes(e.canonicalFinalitySigHex),
              forkFinalitySig: hexToBytes(e.forkFinalitySigHex),
              signingContext: e.signingContext,
            },
          };
        },
      ),
    },
  };
}
