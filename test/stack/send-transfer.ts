/** @module A plain L2 transfer for the stack's steps, from anvil's first dev account (a public test key). */
import { createWalletClient, type Hash, http, parseEther } from "viem";
import { privateKeyToAccount } from "viem/accounts";

const ANVIL_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const SINK = "0x000000000000000000000000000000000000dEaD";

/** Sends 0.01 ETH to a burn address and returns the hash (the node takes it; not waited for). */
export async function sendTransfer(l2RpcUrl: string): Promise<Hash> {
  const wallet = createWalletClient({ account: privateKeyToAccount(ANVIL_KEY), transport: http(l2RpcUrl) });
  return wallet.sendTransaction({ to: SINK, value: parseEther("0.01"), chain: null });
}
