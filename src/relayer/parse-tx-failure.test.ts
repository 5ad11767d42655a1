// Reading wasmd's failure shapes (tx logs and simulation errors) and classifying the contract's texts.
import { describe, expect, it } from "vitest";
import { classifyContractError } from "./classify-contract-error.ts";
import { expectedSequence, parseSimulationFailure, parseTxFailure } from "./parse-tx-failure.ts";

const PK = "52d2f5a8b3c4e1f0a9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6";

describe("classifyContractError (contract.md §9.6 / §18 texts)", () => {
  it.each([
    [`Duplicated finality signature for finality provider ${PK} at height 25`, "duplicated_finality_sig"],
    ["Failed to verify signature: EOTS", "failed_signature_verification"],
    ["EOTS error: Invalid input length: expected 32 bytes, got 31", "eots_error"],
    ["EOTS error: Failed to parse signature", "eots_error"],
    ["Empty signature from the delegator", "empty_signature"],
    ["Empty finality provider BTC public key", "empty_fp_btc_pub_key"],
    ["Invalid signature length: expected 64 bytes, got 63", "invalid_signature_length"],
    ["Invalid commitment length: expected 32 bytes, got 31", "invalid_commitment_length"],
    ["Block height overflow detected for start height 600", "overflow_in_block_height"],
    ["Too few public randomness values: given 100, required minimum 200", "too_few_pub_rand"],
    ["Invalid character 'z' at position 0", "hex_error"],
    ["Odd number of digits", "hex_error"],
    [`Finality provider ${PK} is not in the allowlist`, "finality_provider_not_allowed"],
    ["signature error", "secp256k1_error"],
    [
      "The start height (400) has overlap with the height of the highest public randomness committed (510)",
      "invalid_pub_rand_height",
    ],
    ["BSN not activated yet. Current height: 5, activation height: 10", "before_bsn_activation"],
    [
      "Finality signature not at scheduled height. Height 27 not allowed with interval 5",
      "finality_signature_not_at_scheduled_height",
    ],
    [`Finality provider not found for BSN oracle-bsn with pubkey ${PK}`, "not_found_finality_provider"],
    [`Public randomness not found for finality provider ${PK} at height 30`, "missing_pub_rand_commit"],
    [
      "The inclusion proof for height 35 does not correspond to the given height (30)",
      "invalid_finality_sig_height",
    ],
    [
      "The total amount of public randomnesses in the proof (99) does not match the amount of public committed randomness (100)",
      "invalid_finality_sig_amount",
    ],
    ["Merkle error: Invalid root hash: wanted [5A, F9] got [D0, E8]", "merkle_error"],
    ["No finalized epoch yet", "pub_rand_commit_not_btc_timestamped"],
    [
      `The finality provider ${PK} last committed epoch: 3, last finalized epoch: 2`,
      "pub_rand_commit_not_btc_timestamped",
    ],
    [
      `Finality provider ${PK} has been slashed at Babylon height 170 and BTC height 0`,
      "slashed_finality_provider",
    ],
    ["Admin error: Caller is not admin", "admin"],
    ["No configuration fields were provided to update", "no_config_fields_to_update"],
    [`Rate limit exceeded for finality provider ${PK} with limit 2`, "rate_limit_exceeded"],
    [
      "Invalid finality_signature_interval value: 0. Must be at least 1",
      "invalid_finality_signature_interval",
    ],
    [`Public randomness already exists for finality provider ${PK} at height 9`, "pub_rand_already_exists"],
    [
      "Generic error: Querier contract error: codespace: btcstaking, code: 1100",
      "finality_provider_query_error",
    ],
    ["Generic error: something else", "std_error"],
    [
      "Error calling the VM: Error executing Wasm: Wasmer runtime error: RuntimeError: Aborted: panicked at x",
      "contract_abort",
    ],
    ["something new", "contract_error"],
  ])("%s → %s", (text, code) => {
    expect(classifyContractError(text)).toBe(code);
  });
});

describe("parseTxFailure", () => {
  it("reads the message index and the contract's own text from a DeliverTx log", () => {
    const text = `Duplicated finality signature for finality provider ${PK} at height 25`;
    const log = `failed to execute message; message index: 3: ${text}: execute wasm contract failed`;
    expect(parseTxFailure(log, { codespace: "wasm", abciCode: 5 })).toEqual({
      failedIndex: 3,
      error: { code: "duplicated_finality_sig", message: text, codespace: "wasm", abciCode: 5 },
    });
  });

  it("tolerates wasmd's source location after the marker", () => {
    const log =
      "failed to execute message; message index: 0: Failed to verify signature: EOTS: execute wasm contract failed [CosmWasm/wasmd@v0.55.0/x/wasm/keeper/keeper.go:429]";
    expect(parseTxFailure(log).error).toEqual({
      code: "failed_signature_verification",
      message: "Failed to verify signature: EOTS",
    });
  });

  it("keeps the index for a failed Babylon submessage", () => {
    const parsed = parseTxFailure(
      "failed to execute message; message index: 1: dispatch: submessages: the evidence is invalid",
      { codespace: "finality", abciCode: 1101 },
    );
    expect(parsed.failedIndex).toBe(1);
    expect(parsed.error.code).toBe("chain_error");
    expect(parsed.error.message).toBe("dispatch: submessages: the evidence is invalid");
  });

  it("names SDK failures without an index", () => {
    expect(
      parseTxFailure("account sequence mismatch, expected 3, got 2: incorrect account sequence", {
        codespace: "sdk",
        abciCode: 32,
      }),
    ).toEqual({
      failedIndex: null,
      error: {
        code: "account_sequence_mismatch",
        message: "account sequence mismatch, expected 3, got 2: incorrect account sequence",
        codespace: "sdk",
        abciCode: 32,
      },
    });
    expect(
      parseTxFailure("out of gas in location: WriteFlat; gasWanted: 10, gasUsed: 11: out of gas", {
        codespace: "sdk",
        abciCode: 11,
      }).error.code,
    ).toBe("out_of_gas");
    expect(parseTxFailure("insufficient fees; got: 1ubbn required: 2ubbn: insufficient fee").error.code).toBe(
      "insufficient_fee",
    );
    expect(parseTxFailure("mystery", { codespace: "btcstaking", abciCode: 1100 }).error.code).toBe(
      "chain_error",
    );
  });
});

describe("parseSimulationFailure", () => {
  it("strips the query and gRPC wrappers and the gas figures", () => {
    const text = "Failed to verify signature: EOTS";
    const message = `Query failed with (6): rpc error: code = Unknown desc = failed to execute message; message index: 4: ${text}: execute wasm contract failed With gas wanted: '0' and gas used: '123456' : unknown request`;
    expect(parseSimulationFailure(message)).toEqual({
      failedIndex: 4,
      error: { code: "failed_signature_verification", message: text },
    });
  });

  it("a sequence mismatch in simulation names the expected sequence", () => {
    const message =
      "Query failed with (6): rpc error: code = Unknown desc = account sequence mismatch, expected 7, got 6: incorrect account sequence With gas wanted: '0' and gas used: '0' : unknown request";
    expect(parseSimulationFailure(message).error.code).toBe("account_sequence_mismatch");
    expect(expectedSequence(message)).toBe(7);
    expect(expectedSequence("no such text")).toBeUndefined();
  });
});
