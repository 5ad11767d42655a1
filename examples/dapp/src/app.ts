/**
 * The dApp: send a transaction from the L2 devnet's unlocked account (anvil's first dev account, through
 * `eth_sendTransaction`: no wallet, no key in the page), then follow it live until it is BTC-finalized with the
 * SDK's `waitForTxFinality`, and check the final answer's evidence with `verifyDecision` before saying "verified".
 */
import { type Address, createWalletClient, http, parseEther } from "viem";
import { createFinalityClient, type TxFinality } from "../../../sdk/src/index.ts";
import { verifyDecision } from "../../../sdk/src/verify/index.ts";
import { readConfig } from "./config.ts";
import { createView } from "./view.ts";

const SINK: Address = "0x000000000000000000000000000000000000dEaD";
const WAIT_MS = 5 * 60_000;

const config = readConfig(location.search);
const view = createView();
view.field("cfg-edge", config.edge);
view.field("cfg-rpc", config.rpc);
view.field("cfg-chain", config.chain);

const wallet = createWalletClient({ transport: http(config.rpc) });
const edge = createFinalityClient({ url: config.edge, chain: config.chain });

/** One line per distinct answer: what a user watching the page would want to know. */
function describe(answer: TxFinality | null): string {
  if (answer === null) return "not seen by the L2 node yet";
  const block = answer.block ? `block ${answer.block.number}` : "no block yet";
  const quorum = answer.quorum ? `, power ${answer.quorum.votedPower}/${answer.quorum.totalPower} sat` : "";
  return `${answer.status} (${block}${quorum})${answer.reason ? `: ${answer.reason}` : ""}`;
}

async function sendAndFollow(): Promise<void> {
  view.startClock();
  view.setVerified("checking", "");
  view.setStatus("busy", "sending…");
  // anvil lists its unlocked dev accounts; the first is the devnet's funded default account.
  const [account] = await wallet.getAddresses();
  if (!account) throw new Error(`${config.rpc} has no unlocked account (eth_accounts is empty)`);
  view.field("account", account);
  const hash = await wallet.sendTransaction({ account, to: SINK, value: parseEther("0.001"), chain: null });
  view.field("tx", hash);
  view.note(`sent ${hash}`);
  view.setStatus("pending", "waiting for BTC finality…");

  const final = await edge.waitForTxFinality(hash, {
    timeoutMs: WAIT_MS,
    onUpdate: (answer) => {
      view.note(describe(answer));
      if (answer && !answer.finalized) view.setStatus("pending", `${answer.status}: ${answer.reason ?? ""}`);
    },
  });
  view.setStatus("finalized", `BTC-finalized in block ${final.block?.number}`);
  view.field("block", `${final.block?.number} ${final.block?.hash}`);

  // The edge lists each chain's signing context and quorum; the answer's votes must verify against them.
  const chain = (await edge.getChains()).find((c) => c.id === config.chain);
  if (!chain) throw new Error(`the edge does not list chain ${config.chain}`);
  const result = await verifyDecision(final, {
    babylonChainId: chain.babylonChainId,
    contractAddress: chain.contractAddress,
    quorum: chain.quorum,
  });
  if (result.valid) {
    const power = final.quorum ? `, ${final.quorum.votedPower}/${final.quorum.totalPower} sat` : "";
    view.setVerified(
      "yes",
      `verified: ${final.voters.length} EOTS signatures${power}, ${result.checks.length} checks`,
    );
    view.note("verified (verifyDecision)");
  } else {
    view.setVerified(
      "no",
      `NOT verified: ${result.failures.map((f) => `${f.name}: ${f.detail}`).join("; ")}`,
    );
  }
}

view.send.addEventListener("click", () => {
  view.send.disabled = true;
  sendAndFollow()
    .catch((error: unknown) => {
      const message = error instanceof Error ? error.message.split("\n", 1)[0] : String(error);
      view.setStatus("failed", `failed: ${message}`);
      view.note(`error: ${message}`);
    })
    .finally(() => {
      view.send.disabled = false;
    });
});
view.setStatus("idle", "ready");
