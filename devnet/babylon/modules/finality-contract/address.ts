/**
 * @module `deps.api.addr_validate` as wasmd answers it on Babylon: the address must be bech32 with
 * the `bbn` prefix and in normalized (lowercase) form. Failures surface as cosmwasm's
 * `Generic error: addr_validate errored: <Go error>`; the Go texts are reproduced for the common
 * cases (empty, wrong prefix, not normalized), other decoding failures use CosmJS's wording.
 */
import { fromBech32 } from "@cosmjs/encoding";
import { genericError } from "./errors.ts";

export const BECH32_PREFIX = "bbn";

export function addrValidate(address: string): string {
  const fail = (reason: string) => genericError(`addr_validate errored: ${reason}`);
  if (address.trim().length === 0) throw fail("empty address string is not allowed");
  let decoded: { prefix: string; data: Uint8Array };
  try {
    // Go decodes without a length limit; CosmJS's default (Infinity) is refused by @scure/base.
    decoded = fromBech32(address, Number.MAX_SAFE_INTEGER);
  } catch (error) {
    throw fail(`decoding bech32 failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (decoded.prefix !== BECH32_PREFIX) {
    throw fail(`invalid Bech32 prefix; expected ${BECH32_PREFIX}, got ${decoded.prefix}`);
  }
  if (decoded.data.length === 0) throw fail("addresses cannot be empty: unknown address");
  if (decoded.data.length > 255) {
    throw fail(`address max length is 255, got ${decoded.data.length}: unknown address`);
  }
  if (address !== address.toLowerCase()) throw fail("address not normalized");
  return address;
}
