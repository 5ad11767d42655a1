import { describe, expect, it } from "vitest";
import { JsonNonInteger, JsonSyntaxError, parseContractJson, stringifyContractJson } from "./index.ts";
import { membersOf } from "./json.ts";
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

describe("repeated keys (serde's derive: a known field twice is `duplicate field`)", () => {
  const d = deployContract();
  const exec = (text: string) => () => d.exec(3, parseContractJson(text), ADMIN);
  const QUERY = "Error parsing into type finality::msg::QueryMsg: ";

  it("refuses a known field written twice, at the message's level and nested", async () => {
    expectContractError(
      exec('{"update_config":{"min_pub_rand":5,"min_pub_rand":6}}'),
      `${EXEC}duplicate field \`min_pub_rand\``,
    );
    const commit = (await d.fp1.commitPublicRandomness({ startHeight: 10, numPubRand: 8 })).msg;
    const body = JSON.stringify(commit.commit_public_randomness);
    // The same value twice is still refused: the key, not the value, is what serde checks.
    const twice = `{"commit_public_randomness":${body.replace(/^\{/, `{"start_height":10,`)}}`;
    expectContractError(exec(twice), `${EXEC}duplicate field \`start_height\``);
    const vote = (await d.fp1.submitFinalitySignature({ height: 15, blockHash: hashOf("b") }))
      .submit_finality_signature;
    const proof = JSON.stringify(vote.proof).replace(/^\{/, '{"total":1,');
    const nested = JSON.stringify({ submit_finality_signature: { ...vote, proof: "PROOF" } }).replace(
      '"PROOF"',
      proof,
    );
    expectContractError(exec(nested), `${EXEC}duplicate field \`total\``);
    expect(() =>
      d.query(parseContractJson('{"last_pub_rand_commit":{"btc_pk_hex":"ab","btc_pk_hex":"cd"}}')),
    ).toThrow(`${QUERY}duplicate field \`btc_pk_hex\``);
  });

  it("reads members in document order: an error in the first value comes before the duplicate", () => {
    expectContractError(
      exec('{"update_config":{"min_pub_rand":"x","min_pub_rand":6}}'),
      `${EXEC}Invalid type`,
    );
    // The second value is never read: serde stops at its key.
    expectContractError(
      exec('{"update_config":{"min_pub_rand":5,"min_pub_rand":"x"}}'),
      `${EXEC}duplicate field \`min_pub_rand\``,
    );
    // An escaped spelling is the same key.
    expectContractError(
      exec('{"update_config":{"min_pub_rand":5,"min_pub_r\\u0061nd":6}}'),
      `${EXEC}duplicate field \`min_pub_rand\``,
    );
  });

  it("ignores repeated unknown keys, as it ignores unknown keys", () => {
    const e = deployContract();
    const response = e.exec(3, parseContractJson('{"update_config":{"min_pub_rand":5,"x":1,"x":2}}'), ADMIN);
    expect(response.attributes).toContainEqual({ key: "action", value: "update_config" });
    // A key every JS object inherits is not a field either.
    e.exec(3, parseContractJson('{"update_config":{"min_pub_rand":5,"toString":1,"constructor":{}}}'), ADMIN);
  });

  it("a variant written twice is a second member of the enum's map", () => {
    expectContractError(
      exec('{"update_config":{"min_pub_rand":5},"update_config":{"min_pub_rand":6}}'),
      `${EXEC}Expected this character to start a JSON value.`,
    );
    expectContractError(
      exec('{"toString":{}}'),
      `${EXEC}unknown variant \`toString\`, expected one of ${EXECUTE_VARIANTS}`,
    );
  });

  it("keeps every member but answers the last value, as JSON.parse does", () => {
    const value = parseContractJson('{"a":1,"b":2,"a":3}');
    expect(value).toEqual({ a: 3, b: 2 });
    expect(membersOf(value as Record<string, unknown>)).toEqual([
      ["a", 1],
      ["b", 2],
      ["a", 3],
    ]);
    expect(membersOf({ a: 1 })).toEqual([["a", 1]]);
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
