import { describe, expect, it } from "vitest";
import { JsonNonInteger, JsonSyntaxError, parseContractJson, stringifyContractJson } from "./index.ts";
import { ADMIN, deployContract, expectContractError, hashOf } from "./test-support.ts";

const EXEC = "Error parsing into type finality::msg::ExecuteMsg: ";
const EXECUTE_VARIANTS =
  "`commit_public_randomness`, `submit_finality_signature`, `update_admin`, `prune_data`, `add_to_allowlist`, `remove_from_allowlist`, `update_config`";

describe("message parsing (§2, cosmwasm + serde-json-wasm texts)", () => {
  const d = deployContract();
  const exec = (msg: unknown) => () => d.exec(3, msg, ADMIN);

  it("unknown variant", () => {
    expectContractError(
      exec({ slashing: {} }),
      `${EXEC}unknown variant \`slashing\`, expected one of ${EXECUTE_VARIANTS}`,
    );
    expectContractError(
      exec("set_enabled"),
      `${EXEC}unknown variant \`set_enabled\`, expected one of ${EXECUTE_VARIANTS}`,
    );
  });

  it("enum shape errors", () => {
    expectContractError(exec({}), `${EXEC}Invalid type`);
    expectContractError(exec("update_admin"), `${EXEC}Invalid type`);
    expectContractError(exec(null), `${EXEC}Expected to parse either a \`true\`, \`false\`, or a \`null\`.`);
    expectContractError(exec([]), `${EXEC}Expected to parse either a \`true\`, \`false\`, or a \`null\`.`);
    expectContractError(
      exec({ update_config: { min_pub_rand: 5 }, prune_data: { rollup_height: 1 } }),
      `${EXEC}Expected this character to start a JSON value.`,
    );
  });

  it("field errors: missing, wrong type, bad numbers, bad base64", () => {
    expectContractError(exec({ update_admin: {} }), `${EXEC}missing field \`admin\``);
    expectContractError(exec({ update_admin: { admin: 5 } }), `${EXEC}Invalid type`);
    expectContractError(exec({ prune_data: { rollup_height: -1 } }), `${EXEC}Invalid number.`);
    expectContractError(exec({ prune_data: { rollup_height: "1" } }), `${EXEC}Invalid type`);
    expectContractError(
      exec({ prune_data: { rollup_height: 1, max_signatures_to_prune: 2 ** 32 } }),
      `${EXEC}Invalid number.`,
    );
    expectContractError(
      exec(parseContractJson('{"prune_data":{"rollup_height":1.5}}')),
      `${EXEC}Expected this character to be either a \`','\` or a \`'}'\`.`,
    );
    expectContractError(
      exec(parseContractJson('{"prune_data":{"rollup_height":18446744073709551616}}')),
      `${EXEC}Invalid number.`,
    );
    expectContractError(
      exec({
        commit_public_randomness: {
          fp_pubkey_hex: "ab",
          start_height: 1,
          num_pub_rand: 1,
          commitment: "!!",
          signature: "",
        },
      }),
      `${EXEC}invalid base64: !!`,
    );
    // Present fields are read first, in document order; then the first missing one is reported.
    expectContractError(exec({ commit_public_randomness: { signature: 7 } }), `${EXEC}Invalid type`);
    expectContractError(
      exec({ commit_public_randomness: { signature: "" } }),
      `${EXEC}missing field \`fp_pubkey_hex\``,
    );
  });

  it("unknown fields are ignored everywhere, including the nested proof", async () => {
    const e = deployContract();
    const commit = (await e.fp1.commitPublicRandomness({ startHeight: 10, numPubRand: 8 })).msg;
    e.exec(2, { commit_public_randomness: { ...commit.commit_public_randomness, extra: [1, { x: null }] } });
    const body = (await e.fp1.submitFinalitySignature({ height: 15, blockHash: hashOf("b") }))
      .submit_finality_signature;
    const response = e.exec(3, {
      submit_finality_signature: { ...body, proof: { ...body.proof, extra: "x" }, unknown: 1.5 },
    });
    expect(response.events).toHaveLength(1);
  });
});

describe("contract JSON", () => {
  it("keeps big integers exact and marks non-integers", () => {
    const value = parseContractJson(
      '{"a":18446744073709551615,"b":12,"c":1.5,"d":1e3,"e":[-3,"x\\n",true,null]}',
    );
    expect(value).toEqual({
      a: 18446744073709551615n,
      b: 12,
      c: new JsonNonInteger("1.5"),
      d: new JsonNonInteger("1e3"),
      e: [-3, "x\n", true, null],
    });
    expect(stringifyContractJson(value)).toBe(
      '{"a":18446744073709551615,"b":12,"c":1.5,"d":1e3,"e":[-3,"x\\n",true,null]}',
    );
    expect(parseContractJson(new TextEncoder().encode(' {"__proto__": 1} '))).toEqual(
      JSON.parse('{"__proto__": 1}'),
    );
  });

  it("refuses malformed JSON", () => {
    for (const text of ["", "{", '{"a":}', "[1,]", "01", '"\u0001"', "{} x", "nul"]) {
      expect(() => parseContractJson(text)).toThrow(JsonSyntaxError);
    }
  });
});
