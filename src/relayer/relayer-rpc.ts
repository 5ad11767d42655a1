/**
 * @module The four RPC calls the relayer makes (account, simulate, broadcast, find a tx), each turning the
 * answer into "the chain said so" or, for a transport failure, `RelayerUnavailableError`.
 */
import type { Pubkey } from "@cosmjs/amino";
import { accountFromAny, QueryClient, setupAuthExtension, setupTxExtension } from "@cosmjs/stargate";
import { Comet38Client } from "@cosmjs/tendermint-rpc";
import type { Any } from "cosmjs-types/google/protobuf/any";
import { createFetchRpcClient, RpcErrorResponse, RpcTransportError } from "../babylon/fetch-rpc-client.ts";
import { RelayerAccountNotFoundError, RelayerUnavailableError } from "./errors.ts";
import { isQueryFailure, type ParsedFailure, parseTxFailure } from "./parse-tx-failure.ts";

export type AccountState = { accountNumber: number; sequence: number };

/** CheckTx's answer: in the mempool (or already known to the node), or refused. */
export type BroadcastResult = { kind: "accepted" } | { kind: "refused"; failure: ParsedFailure };

/** A tx as a block recorded it. */
export type FoundTx = {
  height: number;
  code: number;
  codespace: string | undefined;
  log: string;
  gasUsed: number;
  gasWanted: number;
};

export type RelayerRpc = {
  account(address: string): Promise<AccountState>;
  /** The simulated gas, or the chain's refusal as its query error text. */
  simulate(messages: Any[], pubkey: Pubkey, sequence: number): Promise<{ gas: number } | { refused: string }>;
  broadcast(txBytes: Uint8Array, txHash: string): Promise<BroadcastResult>;
  /** The tx if a block holds it. Throws whatever the transport throws (the caller only polls). */
  findTx(txHash: string): Promise<FoundTx | undefined>;
};

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const isTransport = (error: unknown) =>
  error instanceof RpcTransportError || error instanceof RpcErrorResponse;

export function createRelayerRpc(
  rpcUrl: string,
  options: { timeoutMs: number; fetch: typeof fetch | undefined },
): RelayerRpc {
  const comet = Comet38Client.create(
    createFetchRpcClient(rpcUrl, {
      timeoutMs: options.timeoutMs,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    }),
  );
  const query = QueryClient.withExtensions(comet, setupAuthExtension, setupTxExtension);

  return {
    async account(address) {
      let any: Awaited<ReturnType<typeof query.auth.account>>;
      try {
        any = await query.auth.account(address);
      } catch (error) {
        if (!isTransport(error) && /not found/i.test(messageOf(error))) {
          throw new RelayerAccountNotFoundError(address);
        }
        throw new RelayerUnavailableError("account", error);
      }
      if (!any) throw new RelayerAccountNotFoundError(address);
      const { accountNumber, sequence } = accountFromAny(any);
      return { accountNumber, sequence };
    },

    async simulate(messages, pubkey, sequence) {
      try {
        const response = await query.tx.simulate(messages, "", pubkey, sequence);
        return { gas: Math.max(1, Number(response.gasInfo?.gasUsed ?? 0n)) };
      } catch (error) {
        if (!isTransport(error) && isQueryFailure(messageOf(error))) return { refused: messageOf(error) };
        throw new RelayerUnavailableError("simulate", error);
      }
    },

    async broadcast(txBytes, txHash) {
      let answer: Awaited<ReturnType<typeof comet.broadcastTxSync>>;
      try {
        answer = await comet.broadcastTxSync({ tx: txBytes });
      } catch (error) {
        const text = messageOf(error);
        // These exact bytes reached the node before (a retried broadcast): it has them.
        if (error instanceof RpcErrorResponse && /tx already exists in cache/i.test(text))
          return { kind: "accepted" };
        if (error instanceof RpcErrorResponse && /tx too large/i.test(text)) {
          return {
            kind: "refused",
            failure: { failedIndex: null, error: { code: "tx_too_large", message: text } },
          };
        }
        // A transport failure may hide a delivered request: name the tx, it may land. A JSON-RPC error
        // (e.g. mempool full) is a refusal of the node, so the tx is not in its mempool.
        throw new RelayerUnavailableError(
          "broadcast",
          error,
          error instanceof RpcErrorResponse ? undefined : txHash,
        );
      }
      if (answer.code === 0) return { kind: "accepted" };
      return {
        kind: "refused",
        failure: parseTxFailure(answer.log ?? "", {
          ...(answer.codespace ? { codespace: answer.codespace } : {}),
          abciCode: answer.code,
        }),
      };
    },

    async findTx(txHash) {
      const found = (await comet.txSearch({ query: `tx.hash='${txHash}'` })).txs[0];
      if (!found) return undefined;
      const { result } = found;
      return {
        height: found.height,
        code: result.code,
        codespace: result.codespace || undefined,
        log: result.log ?? "",
        gasUsed: Number(result.gasUsed),
        gasWanted: Number(result.gasWanted),
      };
    },
  };
}
