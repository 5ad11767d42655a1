/**
 * @module The relayer's key: derives it from the mnemonic (which stays inside the wallet), encodes
 * `MsgExecuteContract`s and signs txs in SIGN_MODE_DIRECT with explicit account number and sequence.
 */

import { encodeSecp256k1Pubkey, type Pubkey } from "@cosmjs/amino";
import { wasmTypes } from "@cosmjs/cosmwasm-stargate";
import { fromBase64, toUtf8 } from "@cosmjs/encoding";
import {
  DirectSecp256k1HdWallet,
  type EncodeObject,
  encodePubkey,
  makeAuthInfoBytes,
  makeSignDoc,
  Registry,
} from "@cosmjs/proto-signing";
import type { StdFee } from "@cosmjs/stargate";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import type { Any } from "cosmjs-types/google/protobuf/any";
import { RelayerConfigError } from "./errors.ts";
import type { Instruction } from "./types.ts";

export type SignerData = { accountNumber: number; sequence: number; chainId: string };

export type TxSigner = {
  readonly address: string;
  /** The key as the simulation needs it. */
  readonly pubkey: Pubkey;
  /** One `MsgExecuteContract` per instruction, sent by the relayer, no funds. */
  messages(instructions: readonly Instruction[]): EncodeObject[];
  /** The messages as `Any`s (the simulation's input). */
  toAny(messages: readonly EncodeObject[]): Any[];
  /** The signed tx's bytes. */
  sign(messages: readonly EncodeObject[], fee: StdFee, data: SignerData): Promise<Uint8Array>;
};

export async function createTxSigner(mnemonic: string, prefix: string): Promise<TxSigner> {
  let wallet: DirectSecp256k1HdWallet;
  try {
    wallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonic, { prefix });
  } catch {
    // CosmJS's message can quote a word of the mnemonic: say only that it is invalid, and drop the cause.
    throw new RelayerConfigError("mnemonic", "not a valid BIP-39 mnemonic");
  }
  const [account] = await wallet.getAccounts();
  if (!account) throw new RelayerConfigError("mnemonic", "yields no account");
  const { address } = account;
  const pubkey = encodeSecp256k1Pubkey(account.pubkey);
  const registry = new Registry(wasmTypes);

  return {
    address,
    pubkey,
    messages: (instructions) =>
      instructions.map(({ contractAddress, msg }) => ({
        typeUrl: "/cosmwasm.wasm.v1.MsgExecuteContract",
        value: { sender: address, contract: contractAddress, msg: toUtf8(JSON.stringify(msg)), funds: [] },
      })),
    toAny: (messages) => messages.map((message) => registry.encodeAsAny(message)),
    async sign(messages, fee, { accountNumber, sequence, chainId }) {
      const bodyBytes = registry.encode({
        typeUrl: "/cosmos.tx.v1beta1.TxBody",
        value: { messages, memo: "" },
      });
      const authInfoBytes = makeAuthInfoBytes(
        [{ pubkey: encodePubkey(pubkey), sequence }],
        fee.amount,
        Number(fee.gas),
        undefined,
        undefined,
      );
      const signDoc = makeSignDoc(bodyBytes, authInfoBytes, chainId, accountNumber);
      const { signed, signature } = await wallet.signDirect(address, signDoc);
      return TxRaw.encode(
        TxRaw.fromPartial({
          bodyBytes: signed.bodyBytes,
          authInfoBytes: signed.authInfoBytes,
          signatures: [fromBase64(signature.signature)],
        }),
      ).finish();
    },
  };
}
