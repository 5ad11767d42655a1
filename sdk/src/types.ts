/**
 * @module The SDK's public data types: the edge's JSON answers as generated from its OpenAPI document
 * (sdk/src/generated/openapi.ts), and the contract's message bodies as generated from its schema (generated/).
 */
import type { ExecuteMsg } from "../../generated/Finality.types.ts";
import type { components } from "./generated/openapi.ts";

type Schemas = components["schemas"];

/** A 0x-prefixed hex string (block and transaction hashes). */
export type Hash = `0x${string}`;

/** A block named by its height, its hash, or the L2 node's `latest` / `finalized` tag. */
export type BlockId = number | bigint | Hash | "latest" | "finalized";

/** A block as `{number, hash}`: what the range endpoint takes and answers. */
export type BlockRef = { number: number; hash: Hash };

export type ChainStatus = Schemas["ChainStatus"];
/** An L2 block with its timestamp (unix seconds): the status's head and finalized tip, an answer's grid block. */
export type L2Block = ChainStatus["l2Head"];

export type Chain = Schemas["Chain"];
export type FinalityStatus = Schemas["FinalityStatus"];
/**
 * A block's finality decision with its evidence: the grid block the voters signed (`gridBlock`), the quorum, the
 * voters with their randomness and signatures.
 */
export type BlockFinality = Schemas["BlockFinality"];
/** A transaction's block and that block's decision; `block` is null while the transaction is pending. */
export type TxFinality = Schemas["TxFinality"];
export type FinalityProviders = Schemas["FinalityProviders"];
export type Submission = Schemas["Submission"];
/** One entry per message sent: its content-addressed id, `queued` / `duplicate` / …, and equivocation. */
export type AcceptedSubmission = Schemas["AcceptedSubmission"];
export type SubmissionMetrics = Schemas["SubmissionMetrics"];
export type EquivocationEvidence = Schemas["EquivocationEvidence"];

type Body<K extends string> = Extract<ExecuteMsg, Record<K, unknown>>;
/** The contract's `commit_public_randomness` body (snake_case, base64 bytes), or the whole execute message. */
export type CommitPublicRandomnessMsg =
  | Body<"commit_public_randomness">["commit_public_randomness"]
  | Body<"commit_public_randomness">;
/** The contract's `submit_finality_signature` body (snake_case, base64 bytes), or the whole execute message. */
export type FinalitySignatureMsg =
  | Body<"submit_finality_signature">["submit_finality_signature"]
  | Body<"submit_finality_signature">;
