/**
 * Throughput of the emulator: `node scripts/run-ts.mjs devnet/babylon/bench-tps.ts [txs] [accounts]`.
 * Starts the chain in-process on an ephemeral loopback port (BENCH_BLOCK_MS, default 100 ms blocks),
 * signs `txs` MsgSend txs offline with sequential sequences from `accounts` genesis accounts,
 * broadcasts them with `broadcast_tx_sync` over HTTP, waits until `tx_search` finds them all, and
 * prints txs/second included. Gives up after 50 s; always stops the chain.
 */
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { calculateFee, GasPrice, SigningStargateClient, StargateClient } from "@cosmjs/stargate";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { startBabylonChain } from "./index.ts";

const TOTAL = Number(process.argv[2] ?? 300);
const SENDERS = Number(process.argv[3] ?? 4);
const BLOCK_MS = Number(process.env.BENCH_BLOCK_MS ?? 100);
const CONCURRENCY = 32;
const DEADLINE_MS = 50_000;

type RpcReply = { result?: Record<string, unknown>; error?: { data?: string; message: string } };

async function call(url: string, method: string, params: Record<string, unknown>): Promise<RpcReply> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return (await response.json()) as RpcReply;
}

async function main(): Promise<void> {
  const started = Date.now();
  const chain = await startBabylonChain({ port: 0, timing: { blockMs: BLOCK_MS }, log: () => {} });
  const deadline = setTimeout(() => {
    console.error("bench-tps: gave up after 50 s");
    chain.stop().finally(() => process.exit(1));
  }, DEADLINE_MS);
  try {
    const gasPrice = GasPrice.fromString("0.002ubbn");
    const fee = calculateFee(100_000, gasPrice);
    const query = await StargateClient.connect(chain.rpcUrl);
    const senders = chain.accounts.slice(0, Math.max(1, Math.min(SENDERS, chain.accounts.length)));
    const recipient = chain.accounts.at(-1)?.address ?? "";

    // Sign everything offline first (sequential sequences per sender, round-robin over senders).
    const signStart = Date.now();
    const perSender = senders.map(async (sender, s) => {
      const wallet = await DirectSecp256k1HdWallet.fromMnemonic(sender.mnemonic, { prefix: "bbn" });
      const signer = await SigningStargateClient.offline(wallet);
      const { accountNumber, sequence } = await query.getSequence(sender.address);
      const count = Math.floor(TOTAL / senders.length) + (s < TOTAL % senders.length ? 1 : 0);
      const txs: Uint8Array[] = [];
      for (let i = 0; i < count; i++) {
        const msg = {
          typeUrl: "/cosmos.bank.v1beta1.MsgSend",
          value: {
            fromAddress: sender.address,
            toAddress: recipient,
            amount: [{ denom: "ubbn", amount: "1" }],
          },
        };
        const raw = await signer.sign(sender.address, [msg], fee, "", {
          accountNumber,
          sequence: sequence + i,
          chainId: chain.chainId,
        });
        txs.push(TxRaw.encode(raw).finish());
      }
      return txs;
    });
    const bySender = await Promise.all(perSender);
    const ordered: Uint8Array[] = [];
    for (let i = 0; ordered.length < TOTAL; i++) {
      for (const txs of bySender) {
        const tx = txs[i];
        if (tx) ordered.push(tx);
      }
    }
    const signMs = Date.now() - signStart;
    query.disconnect();

    // Broadcast with a few requests in flight; a sender's txs stay in sequence order.
    const firstHeight = chain.height() + 1;
    const t0 = performance.now();
    let next = 0;
    let rejected = 0;
    const workers = Array.from({ length: Math.min(CONCURRENCY, senders.length) }, async (_, w) => {
      for (let i = w; i < ordered.length; i += Math.min(CONCURRENCY, senders.length)) {
        next++;
        const reply = await call(chain.rpcUrl, "broadcast_tx_sync", {
          tx: Buffer.from(ordered[i] as Uint8Array).toString("base64"),
        });
        if (reply.error || reply.result?.code !== 0) {
          rejected++;
          if (rejected <= 3)
            console.error(`bench-tps: rejected: ${JSON.stringify(reply.error ?? reply.result)}`);
        }
      }
    });
    await Promise.all(workers);
    const broadcastMs = performance.now() - t0;

    // Wait until tx_search counts every accepted tx in blocks since the first broadcast.
    const expected = ordered.length - rejected;
    let included = 0;
    while (included < expected) {
      const reply = await call(chain.rpcUrl, "tx_search", {
        query: `tx.height>=${firstHeight}`,
        per_page: "1",
      });
      included = Number(reply.result?.total_count ?? 0);
      if (included < expected) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const totalMs = performance.now() - t0;
    const blocks = chain.height() - firstHeight + 1;
    clearTimeout(deadline);
    console.log(
      `bench-tps: ${expected}/${next} MsgSend txs from ${senders.length} accounts (signed offline in ${signMs} ms); ` +
        `broadcast_tx_sync ${broadcastMs.toFixed(0)} ms (${((next / broadcastMs) * 1000).toFixed(0)} tx/s CheckTx); ` +
        `all included after ${totalMs.toFixed(0)} ms in ≤${blocks} blocks of ${BLOCK_MS} ms → ` +
        `${((expected / totalMs) * 1000).toFixed(0)} tx/s included (run ${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
  } finally {
    clearTimeout(deadline);
    await chain.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`bench-tps failed: ${error instanceof Error ? error.stack : error}`);
  process.exit(1);
});
