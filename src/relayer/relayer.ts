/**
 * @module `createRelayer`: one Babylon account that sends batches of contract messages as single txs.
 * Each batch is simulated first (a doomed batch costs no fee), sized by the simulated gas, broadcast with
 * `broadcast_tx_sync` and polled for until it is in a block. One batch at a time per relayer, so the
 * account sequence is tracked locally and never clashes.
 */
import { calculateFee } from "@cosmjs/stargate";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "../crypto/index.ts";
import { EmptyBatchError } from "./errors.ts";
import { expectedSequence, parseSimulationFailure, parseTxFailure } from "./parse-tx-failure.ts";
import { type AccountState, createRelayerRpc } from "./relayer-rpc.ts";
import { resolveOptions } from "./resolve-options.ts";
import { createSerialQueue } from "./serial-queue.ts";
import { createTxSigner } from "./tx-signer.ts";
import type { BatchOutcome, Instruction, Relayer, RelayerOptions } from "./types.ts";
import { waitForInclusion } from "./wait-for-inclusion.ts";

export async function createRelayer(options: RelayerOptions): Promise<Relayer> {
  const config = resolveOptions(options);
  const signer = options.signer ?? (await createTxSigner(options.mnemonic, config.prefix));
  const rpc = createRelayerRpc(config.rpcUrl, { timeoutMs: config.requestTimeoutMs, fetch: config.fetch });
  const serial = createSerialQueue();
  // The next tx's account number and sequence; undefined when it must be read from the chain again.
  let account: AccountState | undefined;

  async function submit(instructions: readonly Instruction[]): Promise<BatchOutcome> {
    if (instructions.length === 0) throw new EmptyBatchError();
    const messages = signer.messages(instructions);
    const anys = signer.toAny(messages);
    // One resync of the sequence (another sender of this account, a tx lost from the mempool), then give up.
    for (let attempt = 0; ; attempt++) {
      const mayResync = attempt === 0;
      const current = account ?? (await rpc.account(signer.address));
      account = current;

      const simulated = await rpc.simulate(anys, signer.pubkey, current.sequence);
      if ("refused" in simulated) {
        const expected = expectedSequence(simulated.refused);
        if (expected !== undefined && mayResync) {
          account = { ...current, sequence: expected };
          continue;
        }
        return { kind: "rejected", stage: "simulate", ...parseSimulationFailure(simulated.refused) };
      }
      const gasLimit = Math.ceil(simulated.gas * config.gasAdjustment);
      if (gasLimit > config.maxGasPerTx) {
        return {
          kind: "too_large",
          gasLimit,
          maxGasPerTx: config.maxGasPerTx,
          messages: instructions.length,
        };
      }
      const fee = calculateFee(gasLimit, config.gasPrice);
      const txBytes = await signer.sign(messages, fee, { ...current, chainId: config.chainId });
      const txHash = bytesToHex(sha256(txBytes)).toUpperCase();

      let broadcast: Awaited<ReturnType<typeof rpc.broadcast>>;
      try {
        broadcast = await rpc.broadcast(txBytes, txHash);
      } catch (error) {
        // The request may have reached the node: the next sequence is unknown until the chain says.
        account = undefined;
        throw error;
      }
      if (broadcast.kind === "refused") {
        const { failure } = broadcast;
        if (failure.error.code === "account_sequence_mismatch" && mayResync) {
          const expected = expectedSequence(failure.error.message);
          account = expected === undefined ? undefined : { ...current, sequence: expected };
          continue;
        }
        return { kind: "rejected", stage: "check", txHash, ...failure };
      }
      // In the mempool: the account's next tx takes the next sequence, whatever becomes of this one.
      account = { ...current, sequence: current.sequence + 1 };

      const found = await waitForInclusion(() => rpc.findTx(txHash), {
        timeoutMs: config.broadcastTimeoutMs,
        pollIntervalMs: config.pollIntervalMs,
      });
      if (!found) return { kind: "unknown", txHash };
      if (found.code !== 0) {
        const failure = parseTxFailure(found.log, {
          ...(found.codespace ? { codespace: found.codespace } : {}),
          abciCode: found.code,
        });
        return { kind: "rejected", stage: "deliver", txHash, height: found.height, ...failure };
      }
      const coin = fee.amount[0] ?? { denom: config.gasPrice.denom, amount: "0" };
      return {
        kind: "included",
        txHash,
        height: found.height,
        gasUsed: found.gasUsed,
        gasWanted: found.gasWanted,
        fee: { denom: coin.denom, amount: coin.amount },
        messages: instructions.length,
      };
    }
  }

  return {
    address: signer.address,
    submitBatch: (instructions) => serial(() => submit(instructions)),
  };
}
