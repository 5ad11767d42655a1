import { fromBech32, toBech32 } from "@cosmjs/encoding";
import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../store/kv-store.ts";
import { instantiateFinalityContract, queryFinalityContract, stringifyContractJson } from "./index.ts";
import { ContractStorage } from "./storage.ts";
import {
  ADMIN,
  address,
  BSN_ID,
  CONTRACT,
  contractError,
  envAt,
  expectContractError,
  hexOf,
} from "./test-support.ts";

const A = hexOf("fp a");
const B = hexOf("fp b");
const MSG = {
  admin: ADMIN,
  bsn_id: BSN_ID,
  min_pub_rand: 4,
  rate_limiting_interval: 10,
  max_msgs_per_interval: 100,
  bsn_activation_height: 10,
  finality_signature_interval: 5,
};
const instantiate = (msg: unknown, store = new MemoryStore()) =>
  instantiateFinalityContract(store, envAt(1), msg);
const invalid = (patch: Record<string, unknown>, message: string) =>
  expectContractError(() => instantiate({ ...MSG, ...patch }), message);

describe("instantiate (§3)", () => {
  it("saves config, admin, allowlist and the cw2 version", () => {
    const store = new MemoryStore();
    const response = instantiate({ ...MSG, allowed_finality_providers: [A, B.toUpperCase()] }, store);
    expect(response).toEqual({
      attributes: [
        { key: "action", value: "instantiate" },
        { key: "allow-list", value: `${A},${B.toUpperCase()}` },
      ],
      events: [],
      messages: [],
    });
    const query = (msg: unknown) => queryFinalityContract(store, envAt(1), msg);
    expect(stringifyContractJson(query({ config: {} }))).toBe(
      '{"bsn_id":"test-bsn","min_pub_rand":4,"rate_limiting":{"max_msgs_per_interval":100,"block_interval":10},"bsn_activation_height":10,"finality_signature_interval":5}',
    );
    expect(query({ admin: {} })).toEqual({ admin: ADMIN });
    expect(query({ allowed_finality_providers: {} })).toEqual([A, B]);
    expect(new ContractStorage(store, CONTRACT).get("contract_info")).toEqual({
      contract: "rollup-bsn/finality",
      version: "1.0.0-rc.1",
    });
  });

  it("without a list: no allow-list attribute and an empty allowlist; an empty list gives an empty attribute", () => {
    const store = new MemoryStore();
    expect(instantiate(MSG, store).attributes).toEqual([{ key: "action", value: "instantiate" }]);
    expect(queryFinalityContract(store, envAt(1), { allowed_finality_providers: {} })).toEqual([]);
    expect(instantiate({ ...MSG, allowed_finality_providers: [] }).attributes).toEqual([
      { key: "action", value: "instantiate" },
      { key: "allow-list", value: "" },
    ]);
    expect(instantiate({ ...MSG, allowed_finality_providers: null }).attributes).toHaveLength(1);
  });

  it("validates in the contract's order", () => {
    invalid({ min_pub_rand: 0, bsn_id: "" }, "Invalid min_pub_rand value: 0. Must be at least 1");
    invalid({ bsn_id: "", rate_limiting_interval: 0 }, "Invalid consumer ID: BSN ID cannot be empty");
    invalid(
      { bsn_id: "bad id!", rate_limiting_interval: 0 },
      "Invalid consumer ID: BSN ID can only contain alphanumeric characters, hyphens, and underscores",
    );
    invalid({ bsn_id: "a".repeat(101) }, "Invalid consumer ID: BSN ID cannot exceed 100 characters");
    // Unicode letters pass the character check; the limit counts bytes.
    invalid({ bsn_id: "é".repeat(51) }, "Invalid consumer ID: BSN ID cannot exceed 100 characters");
    instantiate({ ...MSG, bsn_id: "bsn-é_1" });
    invalid(
      { rate_limiting_interval: 0, max_msgs_per_interval: 0 },
      "Invalid rate limiting interval: 0. Must be at least 1",
    );
    invalid(
      { max_msgs_per_interval: 0, finality_signature_interval: 0 },
      "Invalid max messages per interval: 0. Must be at least 1",
    );
    invalid(
      { finality_signature_interval: 0, admin: "nope" },
      "Invalid finality_signature_interval value: 0. Must be at least 1",
    );
  });

  it("validates the admin address before the allowlist entries", () => {
    // A broken checksum, in the Go library's words: the checksum the hrp and payload call for, then the one written.
    const good = address("x");
    const broken = contractError(() =>
      instantiate({ ...MSG, admin: good.replace("bbn", "cosmos"), allowed_finality_providers: [""] }),
    );
    const cosmos1 = toBech32("cosmos", fromBech32(good, 1023).data);
    expect(broken.message).toBe(
      `Generic error: addr_validate errored: decoding bech32 failed: invalid checksum (expected ${cosmos1.slice(-6)} got ${good.slice(-6)})`,
    );
    invalid(
      { admin: "notanaddress" },
      "Generic error: addr_validate errored: decoding bech32 failed: invalid separator index -1",
    );
    const cosmos = "cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu";
    invalid(
      { admin: cosmos },
      "Generic error: addr_validate errored: invalid Bech32 prefix; expected bbn, got cosmos",
    );
    invalid({ admin: "" }, "Generic error: addr_validate errored: empty address string is not allowed");
    invalid({ admin: ADMIN.toUpperCase() }, "Generic error: addr_validate errored: address not normalized");
    invalid({ allowed_finality_providers: [A, ""] }, "Empty finality provider BTC public key");
    invalid({ allowed_finality_providers: ["zz", ""] }, "Empty finality provider BTC public key");
    invalid({ allowed_finality_providers: [A, "zz"] }, "Invalid character 'z' at position 0");
  });

  it("parses like serde: missing fields refused, unknown fields ignored", () => {
    const { admin: _admin, ...withoutAdmin } = MSG;
    expectContractError(
      () => instantiate(withoutAdmin),
      "Error parsing into type finality::msg::InstantiateMsg: missing field `admin`",
    );
    expectContractError(
      () => instantiate({ ...MSG, min_pub_rand: "4" }),
      "Error parsing into type finality::msg::InstantiateMsg: Invalid type",
    );
    expect(instantiate({ ...MSG, is_enabled: true, consumer_id: "x" }).attributes).toHaveLength(1);
  });
});
