/**
 * @module The `babylon` transport: the FP's own Babylon account signs one `MsgExecuteContract` per message and
 * waits for the block, with the same relayer the edge uses (simulation first, so a doomed batch costs no fee; a
 * refused message is dropped and the rest sent again). Accepted here means included.
 */
import {
  createRelayer,
  type ItemOutcome,
  type Relayer,
  RelayerUnavailableError,
  submitWithBisection,
} from "../../relayer/index.ts";
import type { MessageKind } from "../store.ts";
import {
  BUDGET_CODES,
  type CheckOutcome,
  type ContractBody,
  type SendOutcome,
  type Transport,
  WAIT_CODES,
} from "./transport.ts";

export type BabylonTransportOptions = {
  rpcUrl: string;
  chainId: string;
  contractAddress: string;
  /** The FP's Babylon account (secret; never logged). */
  mnemonic: string;
  gasPrice: string;
  timeoutMs: number;
  fetch?: typeof fetch;
};

const EXECUTE_KEY: Record<MessageKind, string> = {
  commit: "commit_public_randomness",
  vote: "submit_finality_signature",
};

/** The first outcome that is not a landing decides the batch (the daemon's outcomes are per request). */
function outcomeOf(items: readonly ItemOutcome[]): SendOutcome {
  for (const [index, item] of items.entries()) {
    if (item.status === "submitted") continue;
    if (item.status === "failed") {
      // Already on chain (an earlier attempt): as good as landing now.
      if (item.error.code === "duplicated_finality_sig" || item.error.code === "pub_rand_already_exists")
        continue;
      if (WAIT_CODES.has(item.error.code))
        return { kind: "wait", code: item.error.code, detail: item.error.message };
      if (BUDGET_CODES.has(item.error.code))
        return { kind: "transient", code: item.error.code, detail: item.error.message };
      return { kind: "refused", index, code: item.error.code, detail: item.error.message };
    }
    if (item.status === "unknown") {
      return { kind: "transient", code: "tx_not_seen", detail: `tx ${item.txHash} not seen in a block yet` };
    }
    return { kind: "transient", code: item.error?.code ?? "relayer_retry", detail: item.reason };
  }
  return { kind: "accepted", submissionIds: items.map(() => null), included: true };
}

export async function createBabylonTransport(
  options: BabylonTransportOptions,
): Promise<Transport & { address: string }> {
  const relayer: Relayer = await createRelayer({
    rpcUrl: options.rpcUrl,
    chainId: options.chainId,
    mnemonic: options.mnemonic,
    gasPrice: options.gasPrice,
    requestTimeoutMs: options.timeoutMs,
    broadcastTimeoutMs: Math.max(30_000, options.timeoutMs),
    pollIntervalMs: 250,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return {
    name: "babylon",
    address: relayer.address,
    async send(kind, bodies: readonly ContractBody[]) {
      try {
        const items = await submitWithBisection(
          bodies,
          (body) => ({ contractAddress: options.contractAddress, msg: { [EXECUTE_KEY[kind]]: body } }),
          (instructions) => relayer.submitBatch(instructions),
        );
        return outcomeOf(items);
      } catch (error) {
        if (error instanceof RelayerUnavailableError) {
          return { kind: "transient", code: error.code, detail: error.shortMessage };
        }
        throw error;
      }
    },
    // Accepted means included: nothing is left to ask.
    async check(): Promise<CheckOutcome> {
      return { kind: "included" };
    },
    async close() {},
  };
}
