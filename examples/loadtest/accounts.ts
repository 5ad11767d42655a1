/**
 * @module The load's senders: anvil's public dev accounts (the well-known test mnemonic, each funded with 10 000
 * ETH at genesis), each with a LOCAL nonce: transactions are signed here and sent raw, as polycli's loadtest does,
 * so the node does no nonce or gas bookkeeping for us and the hash is known before the node sees the transaction.
 */
import { type Hash, type Hex, keccak256, type PublicClient, parseGwei } from "viem";
import { type HDAccount, mnemonicToAccount } from "viem/accounts";
import { getTransactionCount, sendRawTransaction } from "viem/actions";

/** Public: anvil's (and hardhat's) default dev mnemonic. Never a real key. */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";
/** anvil funds indices 0‥9. Index 0 is left to the dApp and tests that send through eth_sendTransaction. */
export const FIRST_INDEX = 1;
export const MAX_ACCOUNTS = 9;

const SINK = "0x000000000000000000000000000000000000dEaD";
const TRANSFER_GAS = 21_000n;
const PRIORITY_FEE = parseGwei("1");

export type Fees = { chainId: number; maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };

/** Fees fixed for the run: twice the current base fee, which a 21 000-gas transfer load cannot double. */
export async function readFees(client: PublicClient): Promise<Fees> {
  const [chainId, block] = await Promise.all([client.getChainId(), client.getBlock({ blockTag: "latest" })]);
  const baseFee = block.baseFeePerGas ?? parseGwei("1");
  return { chainId, maxFeePerGas: baseFee * 2n + PRIORITY_FEE, maxPriorityFeePerGas: PRIORITY_FEE };
}

export type Sender = {
  address: Hex;
  /**
   * Signs the next transfer and sends it. `onSigned` gets the hash before it is sent, so its inclusion can never be
   * seen before it is tracked. Calls are queued: one account's transactions reach the node in nonce order.
   */
  send(onSigned: (hash: Hash) => void): Promise<void>;
};

export async function createSenders(client: PublicClient, count: number, fees: Fees): Promise<Sender[]> {
  const accounts = Array.from({ length: count }, (_, i) =>
    mnemonicToAccount(DEV_MNEMONIC, { addressIndex: FIRST_INDEX + i }),
  );
  return Promise.all(accounts.map((account) => createSender(client, account, fees)));
}

async function createSender(client: PublicClient, account: HDAccount, fees: Fees): Promise<Sender> {
  const pendingNonce = () => getTransactionCount(client, { address: account.address, blockTag: "pending" });
  let nonce = await pendingNonce();
  let queue: Promise<unknown> = Promise.resolve();
  const sendOne = async (onSigned: (hash: Hash) => void) => {
    const signed = await account.signTransaction({
      type: "eip1559",
      chainId: fees.chainId,
      nonce,
      to: SINK,
      value: 1n,
      gas: TRANSFER_GAS,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    });
    onSigned(keccak256(signed));
    try {
      await sendRawTransaction(client, { serializedTransaction: signed });
      nonce++;
    } catch (error) {
      // The node refused it, so its nonce is still free (or the node moved on): ask instead of guessing.
      nonce = await pendingNonce().catch(() => nonce);
      throw error;
    }
  };
  return {
    address: account.address,
    send(onSigned) {
      const next = queue.then(() => sendOne(onSigned));
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
