/** @module `parseDecision`: the "shape" check, turning the JSON answer into exact values (bigint, lowercase hex). */
import type { CountedVoter, Hex, Quorum } from "../../../src/finality/index.ts";
import type { VerificationCheck } from "./types.ts";

/** A decision with every number exact and every hex lowercase; what the later checks read. */
export type ParsedDecision = {
  readonly block: { readonly number: bigint; readonly hash: Hex; readonly timestamp: bigint | null } | null;
  readonly finalized: boolean;
  readonly status: string;
  readonly reason: string | undefined;
  readonly gridHeight: bigint | null;
  /** The grid block the voters signed, as the answer states it; `null` when it states none (older answers). */
  readonly gridBlock: { readonly number: bigint; readonly hash: Hex; readonly timestamp: bigint } | null;
  readonly btcHeight: bigint | null;
  readonly quorum: Quorum | null;
  readonly voters: readonly CountedVoter[];
  readonly txHash: string | undefined;
};

const STATUSES = ["finalized", "pending", "before_activation", "no_voting_power", "not_canonical"];
const HASH_RE = /^0x[0-9a-fA-F]{64}$/;
const KEY_RE = /^[0-9a-fA-F]{64}$/;
// EOTS points may be 32, 33 or 65 bytes (the contract parses all three); signatures are 32-byte scalars, but
// their length is the signature check's to report, with the contract's text.
const BYTES_RE = /^(?:[0-9a-fA-F]{2})+$/;
const SATS_RE = /^(?:0|[1-9][0-9]*)$/;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const isHeight = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/**
 * Checks the answer's shape: the fields of `BlockFinality`/`TxFinality` with their types (`gridBlock` may be
 * absent, as in answers made before it existed), 0x 32-byte hashes,
 * 64-hex keys, hex bytes, decimal satoshi, and `finalized` only with status `finalized`. Never throws: a
 * malformed answer is a failed check naming the first bad field.
 */
export function parseDecision(value: unknown): { check: VerificationCheck; decision: ParsedDecision | null } {
  const fail = (detail: string) => ({ check: { name: "shape", ok: false, detail }, decision: null }) as const;
  if (!isObject(value)) return fail("the answer is not a JSON object");
  const { block, finalized, status, reason, gridHeight, gridBlock, btcHeight, quorum, voters, txHash } =
    value;
  if (typeof finalized !== "boolean") return fail("finalized is not a boolean");
  if (typeof status !== "string" || !STATUSES.includes(status))
    return fail(`status ${JSON.stringify(status)} is not one of ${STATUSES.join(", ")}`);
  if (finalized !== (status === "finalized"))
    return fail(`finalized is ${finalized} but status is ${status}`);
  if (reason !== undefined && typeof reason !== "string") return fail("reason is not a string");
  if (txHash !== undefined && (typeof txHash !== "string" || !HASH_RE.test(txHash)))
    return fail("txHash is not a 32-byte 0x hash");

  let parsedBlock: ParsedDecision["block"] = null;
  if (block !== null || txHash === undefined) {
    if (!isObject(block)) return fail("block is not an object");
    if (!isHeight(block.number)) return fail("block.number is not a non-negative safe integer");
    if (typeof block.hash !== "string" || !HASH_RE.test(block.hash))
      return fail("block.hash is not a 32-byte 0x hash");
    if (block.timestamp !== null && !isHeight(block.timestamp))
      return fail("block.timestamp is neither null nor a non-negative integer");
    parsedBlock = {
      number: BigInt(block.number),
      hash: block.hash.toLowerCase() as Hex,
      timestamp: block.timestamp === null ? null : BigInt(block.timestamp),
    };
  } else if (finalized) {
    return fail("a finalized answer names no block");
  }
  if (gridHeight !== null && !isHeight(gridHeight)) return fail("gridHeight is neither null nor a height");
  if (btcHeight !== null && !isHeight(btcHeight)) return fail("btcHeight is neither null nor a height");

  // Absent in answers made before the edge named the grid block (stored finalized answers never change).
  let parsedGridBlock: ParsedDecision["gridBlock"] = null;
  if (gridBlock !== undefined && gridBlock !== null) {
    if (!isObject(gridBlock)) return fail("gridBlock is neither null nor an object");
    if (!isHeight(gridBlock.number)) return fail("gridBlock.number is not a non-negative safe integer");
    if (typeof gridBlock.hash !== "string" || !HASH_RE.test(gridBlock.hash))
      return fail("gridBlock.hash is not a 32-byte 0x hash");
    if (!isHeight(gridBlock.timestamp)) return fail("gridBlock.timestamp is not a non-negative integer");
    parsedGridBlock = {
      number: BigInt(gridBlock.number),
      hash: gridBlock.hash.toLowerCase() as Hex,
      timestamp: BigInt(gridBlock.timestamp),
    };
  }

  let parsedQuorum: Quorum | null = null;
  if (quorum !== null) {
    if (!isObject(quorum)) return fail("quorum is neither null nor an object");
    for (const field of ["votedPower", "totalPower", "threshold"] as const) {
      const v = quorum[field];
      if (typeof v !== "string" || !SATS_RE.test(v)) return fail(`quorum.${field} is not a decimal string`);
    }
    if (typeof quorum.reached !== "boolean") return fail("quorum.reached is not a boolean");
    parsedQuorum = {
      votedPower: BigInt(quorum.votedPower as string),
      totalPower: BigInt(quorum.totalPower as string),
      threshold: BigInt(quorum.threshold as string),
      reached: quorum.reached,
    };
  }

  if (!Array.isArray(voters)) return fail("voters is not an array");
  const parsedVoters: CountedVoter[] = [];
  for (const [i, voter] of voters.entries()) {
    if (!isObject(voter)) return fail(`voters[${i}] is not an object`);
    const { fpBtcPk, power, pubRand, signature } = voter;
    if (typeof fpBtcPk !== "string" || !KEY_RE.test(fpBtcPk))
      return fail(`voters[${i}].fpBtcPk is not a 32-byte hex key`);
    if (typeof power !== "string" || !SATS_RE.test(power))
      return fail(`voters[${i}].power is not a decimal string`);
    if (typeof pubRand !== "string" || !BYTES_RE.test(pubRand))
      return fail(`voters[${i}].pubRand is not hex`);
    if (typeof signature !== "string" || !BYTES_RE.test(signature))
      return fail(`voters[${i}].signature is not hex`);
    parsedVoters.push({
      fpBtcPk: fpBtcPk.toLowerCase(),
      power: BigInt(power),
      pubRand: pubRand.toLowerCase(),
      signature: signature.toLowerCase(),
    });
  }

  const decision: ParsedDecision = {
    block: parsedBlock,
    finalized,
    status,
    reason,
    gridHeight: gridHeight === null ? null : BigInt(gridHeight as number),
    gridBlock: parsedGridBlock,
    btcHeight: btcHeight === null ? null : BigInt(btcHeight as number),
    quorum: parsedQuorum,
    voters: parsedVoters,
    txHash: txHash as string | undefined,
  };
  return { check: { name: "shape", ok: true, detail: "well-formed" }, decision };
}
