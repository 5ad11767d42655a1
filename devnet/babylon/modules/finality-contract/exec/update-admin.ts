/**
 * @module `update_admin` (contract.md §4.3): the new address is validated first (the contract calls
 * `addr_validate` before cw-controllers' `execute_update_admin`), then the admin check.
 */
import { addrValidate } from "../address.ts";
import type { ExecuteMsg } from "../messages.ts";
import { ResponseBuilder } from "../response.ts";
import { assertAdmin, saveAdmin } from "../state/admin.ts";
import type { ContractStorage } from "../storage.ts";
import type { ContractResponse } from "../types.ts";

type Body = Extract<ExecuteMsg, { variant: "update_admin" }>["body"];

export function updateAdmin(storage: ContractStorage, sender: string, body: Body): ContractResponse {
  const admin = addrValidate(body.admin);
  assertAdmin(storage, sender);
  saveAdmin(storage, admin);
  return new ResponseBuilder()
    .attribute("action", "update_admin")
    .attribute("admin", admin)
    .attribute("sender", sender)
    .build();
}
