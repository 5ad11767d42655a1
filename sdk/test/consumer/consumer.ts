// Type-checked by scripts/sdk-build.mjs in a temp project that has only the packed SDK and its declared packages:
// the published declarations must be complete and strict-clean for a TypeScript user.
import {
  type BlockFinality,
  type ChainStatus,
  createFinalityClient,
  type EdgeEvent,
  FinalityEdgeError,
  type FinalityProviders,
  type L2Block,
  NotFoundError,
  SubmissionRefusedError,
  type TxFinality,
} from "@finality-edge/sdk";
import {
  createL2BlockReader,
  type L2BlockHeader,
  type VerificationResult,
  verifyDecision,
  verifyWithBabylon,
} from "@finality-edge/sdk/verify";
import { waitForBtcFinality } from "@finality-edge/sdk/viem";
import { createPublicClient, http } from "viem";

const hash = `0x${"ab".repeat(32)}` as const;

export async function uses(): Promise<void> {
  const client = createFinalityClient({
    url: "http://127.0.0.1:1",
    chain: "edge-devnet-l2",
    fetch: async () => new Response("{}"),
    retry: { attempts: 2, maxDelayMs: 1000 },
    events: "auto",
  });
  const block: BlockFinality = await client.getBlockFinality("finalized");
  const byNumber: BlockFinality = await client.getBlockFinality(12n);
  const tx: TxFinality = await client.getTxFinality(hash);
  const status: ChainStatus = await client.getStatus();
  const tip: number | undefined = status.finalizedTip?.number;
  const signed: L2Block | null = block.gridBlock;
  const providers: FinalityProviders = await client.getFinalityProviders({ window: 10 });
  const prefix: { number: number; hash: string } | null = await client.getFinalizedPrefix([
    { number: 1, hash },
  ]);
  const accepted: { id: string; equivocation: boolean }[] = await client.submitFinalitySignatures([]);
  const finalized: TxFinality = await client.waitForTxFinality(hash, {
    timeoutMs: 1000,
    onUpdate: (a) => a?.status,
  });
  const unwatch: () => void = client.watchFinalized((b: L2Block) => void b.timestamp, { fromHeight: 1 });
  unwatch();
  const unwatchEvents: () => void = client.watchEvents(
    (e: EdgeEvent) => {
      if (e.type === "slashed")
        console.log(e.id, e.data.fpBtcPkHex, e.data.btcHeight satisfies number | null);
      if (e.type === "resync") console.log(e.data.oldest, e.data.tip?.hash);
    },
    { types: ["slashed", "equivocation"], fromHeight: 1n, onError: console.warn },
  );
  unwatchEvents();
  try {
    await client.getSubmission("v_0000000000000000000000000000000000000000");
  } catch (error) {
    if (error instanceof SubmissionRefusedError)
      console.log(error.code, error.detail, error.field, error.status);
    if (error instanceof NotFoundError) console.log(error.code satisfies string, error.docsUrl);
    if (error instanceof FinalityEdgeError) console.log(error.shortMessage, error.retryAfter, error.walk());
  }
  const viem = createPublicClient({ transport: http("http://127.0.0.1:1") });
  const { receipt, finality } = await waitForBtcFinality(viem, { hash, edge: client, timeoutMs: 1000 });
  console.log(
    block,
    byNumber,
    tx,
    tip,
    providers,
    prefix,
    accepted,
    finalized,
    receipt.blockNumber,
    finality.txHash,
  );
  const options = { babylonChainId: "bbn-1", contractAddress: "bbn1contract" };
  const l2 = createL2BlockReader("http://127.0.0.1:1");
  const header: L2BlockHeader | null = await l2.blockAt(1n);
  // The client's answers go to the verifier as they are.
  const local: VerificationResult = await verifyDecision(block, { ...options, l2 });
  const full: VerificationResult = await verifyWithBabylon(tx, {
    ...options,
    babylonRpcUrl: "http://127.0.0.1:2",
  });
  console.log(signed, header?.parentHash, local.valid, full.trusts);
}
