/**
 * @module `update_config` (contract.md §4.6): admin check, then each provided field validated and
 * applied in order (min_pub_rand, max_msgs_per_interval, rate_limiting_interval); nothing provided
 * → `NoConfigFieldsToUpdate`. `bsn_id`, activation height and signature interval are fixed.
 */
import { ContractError } from "../errors.ts";
import type { ExecuteMsg } from "../messages.ts";
import { ResponseBuilder } from "../response.ts";
import { assertAdmin } from "../state/admin.ts";
import { loadConfig, saveConfig } from "../state/config.ts";
import type { ContractStorage } from "../storage.ts";
import type { ContractResponse } from "../types.ts";
import {
  validateMaxMsgsPerInterval,
  validateMinPubRand,
  validateRateLimitingInterval,
} from "../validation.ts";

type Body = Extract<ExecuteMsg, { variant: "update_config" }>["body"];

export function updateConfig(storage: ContractStorage, sender: string, body: Body): ContractResponse {
  assertAdmin(storage, sender);
  const config = loadConfig(storage);
  let updated = false;
  if (body.min_pub_rand !== null) {
    validateMinPubRand(body.min_pub_rand);
    config.minPubRand = body.min_pub_rand;
    updated = true;
  }
  if (body.max_msgs_per_interval !== null) {
    validateMaxMsgsPerInterval(body.max_msgs_per_interval);
    config.rateLimiting.maxMsgsPerInterval = body.max_msgs_per_interval;
    updated = true;
  }
  if (body.rate_limiting_interval !== null) {
    validateRateLimitingInterval(body.rate_limiting_interval);
    config.rateLimiting.blockInterval = body.rate_limiting_interval;
    updated = true;
  }
  if (!updated) throw new ContractError("No configuration fields were provided to update");
  saveConfig(storage, config);
  return new ResponseBuilder().attribute("action", "update_config").build();
}
