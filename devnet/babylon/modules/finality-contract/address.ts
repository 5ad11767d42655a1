/**
 * @module `deps.api.addr_validate` as wasmd answers it on Babylon: the address must be bech32 with
 * the `bbn` prefix and in normalized (lowercase) form. Failures surface as cosmwasm's
 * `Generic error: addr_validate errored: <Go error>`, the Go SDK's texts (bech32 failures from
 * {@link decodeAndConvert}).
 */
import { decodeAndConvert, GoBech32Error } from "../../chain/go-bech32.ts";
import { genericError } from "./errors.ts";

export const BECH32_PREFIX = "bbn";

export function addrValidate(address: string): string {
  const fail = (reason: string) => genericError(`addr_validate errored: ${reason}`);
  if (address.trim().length === 0) throw fail("empty address string is not allowed");
  let decoded: { hrp: string; data: Uint8Array };
  try {
    decoded = decodeAndConvert(address);
  } catch (error) {
    if (!(error instanceof GoBech32Error)) throw error;
    throw fail(error.message);
  }
  if (decoded.hrp !== BECH32_PREFIX) {
    throw fail(`invalid Bech32 prefix; expected ${BECH32_PREFIX}, got ${decoded.hrp}`);
  }
  if (decoded.data.length === 0) throw fail("addresses cannot be empty: unknown address");
  if (decoded.data.length > 255) {
    throw fail(`address max length is 255, got ${decoded.data.length}: unknown address`);
  }
  if (address !== address.toLowerCase()) throw fail("address not normalized");
  return address;
}
