/**
 * @module wasmd's event translation: a `wasm` event carrying `_contract_address` and the plain
 * attributes, only when the response has attributes (the commit and vote paths return none, so a
 * node shows no bare `wasm` event for them), then each custom event as `wasm-<type>` with
 * `_contract_address` first.
 */
import type { AbciEvent } from "../../chain/module.ts";
import type { ContractResponse } from "../finality-contract/index.ts";

export const CONTRACT_ADDRESS_KEY = "_contract_address";

export function contractEvents(contractAddress: string, response: ContractResponse): AbciEvent[] {
  const addressAttribute = { key: CONTRACT_ADDRESS_KEY, value: contractAddress };
  return [
    ...(response.attributes.length > 0
      ? [{ type: "wasm", attributes: [addressAttribute, ...response.attributes] }]
      : []),
    ...response.events.map((event) => ({
      type: `wasm-${event.type}`,
      attributes: [addressAttribute, ...event.attributes],
    })),
  ];
}

/** The event wasmd emits before running the contract. */
export const callEvent = (
  type: "execute" | "migrate",
  contractAddress: string,
  codeId?: number,
): AbciEvent => ({
  type,
  attributes: [
    ...(codeId === undefined ? [] : [{ key: "code_id", value: String(codeId) }]),
    { key: CONTRACT_ADDRESS_KEY, value: contractAddress },
  ],
});
