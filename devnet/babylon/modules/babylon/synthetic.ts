/**
 * @module Deterministic synthetic Bitcoin material for the emulator: labelled hashes, Bitcoin
 * transaction serialization (legacy format: version, inputs, outputs, locktime) and double-SHA256
 * txids. Staking, unbonding and slashing transactions built here are well-formed Bitcoin
 * transactions with the right amounts, but their inputs and scripts are synthetic.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, concatBytes, utf8ToBytes } from "../../../../src/crypto/index.ts";

/** `sha256("finality-edge/devnet/" + label)`: 32 deterministic bytes per label. */
export function labelled(label: string): Uint8Array {
  return sha256(utf8ToBytes(`finality-edge/devnet/${label}`));
}

/** `length` deterministic bytes for `label` (labelled hashes of `label/0`, `label/1`, … concatenated). */
export function labelledBytes(label: string, length: number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let i = 0; parts.length * 32 < length; i++) parts.push(labelled(`${label}/${i}`));
  return concatBytes(...parts).slice(0, length);
}

export function doubleSha256(bytes: Uint8Array): Uint8Array {
  return sha256(sha256(bytes));
}

/** Bitcoin shows hashes byte-reversed: the hex of a txid or block hash as explorers print it. */
export function reversedHex(hashInternalOrder: Uint8Array): string {
  return bytesToHex(Uint8Array.from(hashInternalOrder).reverse());
}

export type TxInput = { txid: Uint8Array; vout: number };
export type TxOutput = { value: number; script: Uint8Array };

function u32le(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, true);
  return out;
}

function u64le(value: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value), true);
  return out;
}

function compactSize(value: number): Uint8Array {
  if (value < 0xfd) return Uint8Array.of(value);
  if (value <= 0xffff) return Uint8Array.of(0xfd, value & 0xff, value >> 8);
  return concatBytes(Uint8Array.of(0xfe), u32le(value));
}

/** A version-2, non-witness serialized transaction with empty scriptSigs and final sequences. */
export function serializeTx(inputs: readonly TxInput[], outputs: readonly TxOutput[]): Uint8Array {
  return concatBytes(
    u32le(2),
    compactSize(inputs.length),
    ...inputs.flatMap((input) => [input.txid, u32le(input.vout), compactSize(0), u32le(0xffff_ffff)]),
    compactSize(outputs.length),
    ...outputs.flatMap((output) => [u64le(output.value), compactSize(output.script.length), output.script]),
    u32le(0),
  );
}

/** The txid in internal byte order (`dsha256` of the serialization). */
export function txid(tx: Uint8Array): Uint8Array {
  return doubleSha256(tx);
}

/** `OP_1 <32-byte key>`: a pay-to-taproot output script. */
export function p2trScript(outputKey: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(0x51, 0x20), outputKey);
}
