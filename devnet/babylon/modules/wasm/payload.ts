/**
 * @module The JSON payload of a wasm message, checked like wasmd's `RawContractMessage.ValidateBasic`
 * (empty → `empty`, not JSON → `invalid`) and parsed with exact u64s for the contract.
 */

import { TxFailure } from "../../chain/module.ts";
import { type ContractJson, JsonSyntaxError, parseContractJson } from "../finality-contract/index.ts";

export function parsePayload(bytes: Uint8Array): ContractJson {
  if (bytes.length === 0) throw new TxFailure("wasm", 12, "payload msg: empty");
  try {
    return parseContractJson(bytes);
  } catch (error) {
    // TypeError: the bytes are not UTF-8.
    if (error instanceof JsonSyntaxError || error instanceof TypeError) {
      throw new TxFailure("wasm", 14, "payload msg: invalid");
    }
    throw error;
  }
}
