/**
 * @module `hex::decode` as the contract runs it (Rust `hex` crate): the crypto core's decoder, with
 * the crate's error texts ("Odd number of digits", "Invalid character 'z' at position 0"), which the
 * contract returns as is.
 */
import { hexToBytes, InvalidHexError, utf8ToBytes } from "../crypto/index.ts";
import { ContractRuleError } from "./errors.ts";

/** Rust's `{:?}` of a `char` in U+0000..U+00FF (the crate turns each offending *byte* into a char). */
function rustCharDebug(byte: number): string {
  switch (byte) {
    case 0x00:
      return "'\\0'";
    case 0x09:
      return "'\\t'";
    case 0x0a:
      return "'\\n'";
    case 0x0d:
      return "'\\r'";
    case 0x27:
      return "'\\''";
    case 0x5c:
      return "'\\\\'";
  }
  // Control characters, NBSP (Zs) and the soft hyphen (Cf) are not "printable" to Rust: \u{..}.
  if (byte < 0x20 || (byte >= 0x7f && byte <= 0xa0) || byte === 0xad) return `'\\u{${byte.toString(16)}}'`;
  return `'${String.fromCharCode(byte)}'`;
}

/**
 * Decodes hex as the contract does (Rust `hex::decode`: upper or lower case, even length, no `0x`)
 * with the crypto core's decoder, which judges and locates a failure the way the crate does (UTF-8
 * byte lengths and positions). Throws a `hex_error` naming `field`, in the crate's words.
 */
export function rustHexDecode(text: string, field: string): Uint8Array {
  try {
    return hexToBytes(text, field);
  } catch (error) {
    if (!(error instanceof InvalidHexError)) throw error;
    const { detail } = error;
    // The crate reports the offending *byte* as a char: a multi-byte character's first UTF-8 byte.
    const message =
      detail.reason === "odd_length"
        ? "Odd number of digits"
        : `Invalid character ${rustCharDebug(utf8ToBytes(detail.character)[0] as number)} at position ${detail.position}`;
    throw new ContractRuleError("hex_error", message, { field });
  }
}
