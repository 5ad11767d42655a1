/**
 * @module Bech32 decoding as Babylon's Go code does it: cosmos-sdk's `types/bech32.DecodeAndConvert`,
 * i.e. `github.com/cosmos/btcutil/bech32.Decode(bech, 1023)` followed by `ConvertBits(data, 5, 8, false)`,
 * with each failure worded exactly as Go words it, `decoding bech32 failed: ` included.
 *
 * Go measures and indexes strings in UTF-8 bytes, so this works on the UTF-8 bytes of the input:
 * lengths count bytes, and a non-ASCII character is refused by its first byte, printed by `%c` as the
 * code point of that byte's value (0xC3 → `Ã`). Only the original BIP-173 checksum (constant 1) is
 * accepted; bech32m strings fail with `invalid checksum`.
 */

/** `DecodeAndConvert`'s length limit. */
export const GO_BECH32_LIMIT = 1023;

const CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const GENERATORS = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3] as const;
const SEPARATOR = 0x31; // '1'

/** A decoding failure; `message` is Go's `err.Error()`, `reason` the btcutil error it wraps. */
export class GoBech32Error extends Error {
  override readonly name = "GoBech32Error";
  readonly reason: string;
  constructor(reason: string) {
    super(`decoding bech32 failed: ${reason}`);
    this.reason = reason;
  }
}

/** Charset position of each byte value, -1 where the byte is not in the charset. */
const CHARSET_INDEX: readonly number[] = (() => {
  const index = new Array<number>(256).fill(-1);
  for (let i = 0; i < CHARSET.length; i++) index[CHARSET.charCodeAt(i)] = i;
  return index;
})();

function polymod(values: Iterable<number>): number {
  let chk = 1;
  for (const value of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ value;
    for (let i = 0; i < 5; i++) {
      if ((top >>> i) & 1) chk ^= GENERATORS[i] as number;
    }
  }
  return chk >>> 0;
}

/** BIP-173's hrp expansion: the high bits of each byte, a zero, then the low five bits. */
function* checksumInput(hrp: Uint8Array, values: Uint8Array, tail: readonly number[]): Generator<number> {
  for (const byte of hrp) yield byte >>> 5;
  yield 0;
  for (const byte of hrp) yield byte & 31;
  yield* values;
  yield* tail;
}

/** The six checksum characters bech32 (constant 1) gives `hrp` and the 5-bit `payload`. */
function expectedChecksum(hrp: Uint8Array, payload: Uint8Array): string {
  const mod = polymod(checksumInput(hrp, payload, [0, 0, 0, 0, 0, 0])) ^ 1;
  let text = "";
  for (let i = 0; i < 6; i++) text += CHARSET[(mod >>> (5 * (5 - i))) & 31];
  return text;
}

/** `ConvertBits(values, 5, 8, false)`. */
function fiveToEight(values: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.floor((values.length * 5) / 8));
  let acc = 0;
  let bits = 0;
  let n = 0;
  for (const value of values) {
    acc = ((acc << 5) | value) & 0x1fff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >>> bits) & 0xff;
    }
  }
  // Any incomplete group must be at most 4 bits, and all zeroes.
  if (bits > 4 || (acc & ((1 << bits) - 1)) !== 0) throw new GoBech32Error("invalid incomplete group");
  return out;
}

/** `types/bech32.DecodeAndConvert`: the (lowercase) hrp and the 8-bit data, or a {@link GoBech32Error}. */
export function decodeAndConvert(address: string): { hrp: string; data: Uint8Array } {
  let bytes = new TextEncoder().encode(address);
  const length = bytes.length;
  if (length > GO_BECH32_LIMIT || length < 8)
    throw new GoBech32Error(`invalid bech32 string length ${length}`);

  let hasLower = false;
  let hasUpper = false;
  for (const byte of bytes) {
    if (byte < 33 || byte > 126) {
      throw new GoBech32Error(`invalid character in string: '${String.fromCodePoint(byte)}'`);
    }
    hasLower ||= byte >= 0x61 && byte <= 0x7a;
    hasUpper ||= byte >= 0x41 && byte <= 0x5a;
    if (hasLower && hasUpper) throw new GoBech32Error("string not all lowercase or all uppercase");
  }
  if (hasUpper) bytes = bytes.map((byte) => (byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte));

  const one = bytes.lastIndexOf(SEPARATOR);
  if (one < 1 || one + 7 > length) throw new GoBech32Error(`invalid separator index ${one}`);

  const hrp = bytes.subarray(0, one);
  const chars = bytes.subarray(one + 1);
  const values = new Uint8Array(chars.length);
  for (let i = 0; i < chars.length; i++) {
    const byte = chars[i] as number;
    const value = CHARSET_INDEX[byte] as number;
    if (value < 0) throw new GoBech32Error(`invalid character not part of charset: ${byte}`);
    values[i] = value;
  }

  const payload = values.subarray(0, values.length - 6);
  if (polymod(checksumInput(hrp, values, [])) !== 1) {
    const actual = String.fromCharCode(...bytes.subarray(length - 6));
    throw new GoBech32Error(`invalid checksum (expected ${expectedChecksum(hrp, payload)} got ${actual})`);
  }
  // Every byte is printable ASCII by now.
  return { hrp: String.fromCharCode(...hrp), data: fiveToEight(payload) };
}
