/**
 * @module cosmos-sdk `LegacyDec` on the protobuf wire: a decimal is sent as the decimal string of
 * its value × 10^18 (no point), e.g. "0.05" → "50000000000000000". babylon-proto-ts types such fields
 * as `string` and passes them through unchanged, so the emulator must write the scaled form.
 */

const PRECISION = 18;
const DECIMAL_RE = /^(\d+)(?:\.(\d{1,18}))?$/;

/** "0.05" → "50000000000000000". Throws on anything but a plain non-negative decimal. */
export function toLegacyDecAtomics(decimal: string): string {
  const match = DECIMAL_RE.exec(decimal);
  if (match === null)
    throw new Error(`Not a decimal with at most ${PRECISION} places: ${JSON.stringify(decimal)}`);
  const whole = BigInt(match[1] as string);
  const fraction = BigInt((match[2] ?? "").padEnd(PRECISION, "0"));
  return (whole * 10n ** BigInt(PRECISION) + fraction).toString();
}

/** "50000000000000000" → "0.050000000000000000" (the SDK's `LegacyDec.String()`). */
export function fromLegacyDecAtomics(atomics: string): string {
  const value = BigInt(atomics);
  const scale = 10n ** BigInt(PRECISION);
  return `${value / scale}.${(value % scale).toString().padStart(PRECISION, "0")}`;
}
