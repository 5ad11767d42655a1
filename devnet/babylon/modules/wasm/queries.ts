/**
 * @module gRPC queries of the wasm module: `SmartContractState` (the contract's JSON answer as
 * bytes) and a minimal `ContractInfo`. Failures throw `TxFailure` carrying exactly what
 * `abci_query` reports on Babylon (code, codespace, log).
 */
import {
  QueryContractInfoRequest,
  QueryContractInfoResponse,
  QuerySmartContractStateRequest,
  QuerySmartContractStateResponse,
} from "cosmjs-types/cosmwasm/wasm/v1/query";
import { decodeAndConvert, GoBech32Error } from "../../chain/go-bech32.ts";
import { type BlockContext, type QueryHandler, TxFailure } from "../../chain/module.ts";
import {
  ContractError,
  type ContractJson,
  JsonSyntaxError,
  parseContractJson,
  queryFinalityContract,
  stringifyContractJson,
} from "../finality-contract/index.ts";
import { noSuchContract, queryContractFailed } from "./errors.ts";
import { contractEnv } from "./execute.ts";
import { type ContractRecord, loadContract } from "./registry.ts";

/** A bech32 address that decodes, else the SDK's `invalid request` (code 18). */
function requireContract(ctx: BlockContext, address: string): ContractRecord {
  try {
    decodeAndConvert(address);
  } catch (error) {
    if (!(error instanceof GoBech32Error)) throw error;
    throw new TxFailure("sdk", 18, `${error.message}: invalid request`);
  }
  const record = loadContract(ctx.store, address);
  if (record === undefined) throw noSuchContract(address);
  return record;
}

export const smartContractStateHandler: QueryHandler = (request, ctx) => {
  const { address, queryData } = QuerySmartContractStateRequest.decode(request);
  let query: ContractJson;
  try {
    if (queryData.length === 0) throw new JsonSyntaxError("empty");
    query = parseContractJson(queryData);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError || error instanceof TypeError)) throw error;
    throw new TxFailure(
      "sdk",
      18,
      "rpc error: code = InvalidArgument desc = invalid query data: invalid request",
    );
  }
  const record = requireContract(ctx, address);
  let answer: ContractJson;
  try {
    answer = queryFinalityContract(ctx.store, contractEnv(ctx, record.address), query);
  } catch (error) {
    if (error instanceof ContractError) throw queryContractFailed(error);
    throw error;
  }
  const data = new TextEncoder().encode(stringifyContractJson(answer));
  return QuerySmartContractStateResponse.encode({ data }).finish();
};

export const contractInfoHandler: QueryHandler = (request, ctx) => {
  const { address } = QueryContractInfoRequest.decode(request);
  const record = requireContract(ctx, address);
  return QueryContractInfoResponse.encode({
    address: record.address,
    contractInfo: {
      codeId: BigInt(record.codeId),
      creator: record.creator,
      admin: record.admin,
      label: record.label,
      created: { blockHeight: BigInt(record.createdHeight), txIndex: 0n },
      ibcPortId: "",
      ibc2PortId: "",
    },
  }).finish();
};
