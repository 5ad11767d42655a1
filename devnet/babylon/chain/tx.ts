/**
 * @module Transaction decoding and the ante handler, in the order the SDK (v0.53, Babylon's chain of
 * decorators) runs them: gas limit cap, validate basic, timeout height, memo, tx size gas, fee check
 * (Babylon's global min gas price) and deduction, public key, signature gas, sequence and
 * SIGN_MODE_DIRECT signature verification, sequence increment. Single-signer txs only.
 */
import { createPublicKey, verify as cryptoVerify, type KeyObject } from "node:crypto";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { BinaryReader } from "cosmjs-types/binary";
import { PubKey } from "cosmjs-types/cosmos/crypto/secp256k1/keys";
import { SignMode } from "cosmjs-types/cosmos/tx/signing/v1beta1/signing";
import { AuthInfo, SignDoc, TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import type { Any } from "cosmjs-types/google/protobuf/any";
import { base64ToBytes, bytesToBase64, bytesToHex, hexToBytes } from "../../../src/crypto/index.ts";
import type { KVStore } from "../store/kv-store.ts";
import {
  Auth,
  addressFromPubkey,
  attr,
  Bank,
  BECH32_PREFIX,
  BOND_DENOM,
  type Coin,
  coinsString,
  coinsValid,
  feeCollectorAddress,
  parseCoins,
  SECP256K1_PUBKEY_TYPE,
} from "./auth-bank.ts";
import { sha256 } from "./encoding.ts";
import { SdkErrors, sdkError } from "./errors.ts";
import { GasCosts, type GasMeter } from "./gas.ts";
import { type AbciEvent, TxFailure } from "./module.ts";

export type ExecMode = "check" | "deliver" | "simulate";

export type DecodedTx = {
  bytes: Uint8Array;
  bodyBytes: Uint8Array;
  authInfoBytes: Uint8Array;
  signatures: Uint8Array[];
  messages: Any[];
  memo: string;
  timeoutHeight: bigint;
  extensionOptions: number;
  fee: Coin[];
  feeValid: boolean;
  gasLimit: number;
  /** Compressed secp256k1 key from the signer info, if present. */
  pubkey?: Uint8Array;
  /** Sign mode of the single signer. */
  signMode: SignMode;
  sequence: number;
  signerInfos: number;
  /** Signers named by the messages (their `cosmos.msg.v1.signer` field, field 1 by convention), in order. */
  msgSigners: string[];
};

/** Babylon's `DefaultMaxGasWantedPerTx` (mempool-only cap, CheckTx). */
const MAX_GAS_WANTED_PER_TX = 10_000_000;
/** SDK `MaxGasWanted` (ValidateBasic): 2^63 - 1. */
const MAX_GAS_WANTED = 2n ** 63n - 1n;
const MAX_MEMO_CHARACTERS = 256;
/** Bytes the SDK charges for a missing signature in simulation (amino StdSignature of a secp256k1 key + 6). */
const SIMULATED_SIGNATURE_BYTES = 113;

/** The `x/auth` params as the store holds them (written at genesis). */
export const AUTH_PARAMS_KEY = "auth/params";
export const AUTH_PARAMS = {
  max_memo_characters: MAX_MEMO_CHARACTERS,
  tx_sig_limit: 7,
  tx_size_cost_per_byte: GasCosts.txSizeCostPerByte,
  sig_verify_cost_ed25519: 590,
  sig_verify_cost_secp256k1: GasCosts.sigVerifyCostSecp256k1,
};
const readParams = (store: KVStore): void => {
  store.get(AUTH_PARAMS_KEY);
};

/** Field 1 of a message if it is a bech32 `bbn` address: the signer by SDK convention (sender, signer, from_address…). */
function messageSigner(value: Uint8Array): string | undefined {
  try {
    const reader = new BinaryReader(value);
    while (reader.pos < reader.len) {
      const [field, wireType] = reader.tag();
      if (field === 1 && wireType === 2) {
        const text = reader.string();
        return text.startsWith(`${BECH32_PREFIX}1`) ? text : undefined;
      }
      reader.skipType(wireType);
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * The SDK's tx decoder: TxRaw, body and auth info, each message routable. Throws `tx parse error`
 * (or the registered error the SDK reports) for malformed bytes.
 */
export function decodeTx(bytes: Uint8Array, isRoutable: (typeUrl: string) => boolean): DecodedTx {
  if (bytes.length === 0) throw sdkError(SdkErrors.TxDecode, "tx bytes are empty");
  let raw: TxRaw;
  let body: TxBody;
  let authInfo: AuthInfo;
  try {
    raw = TxRaw.decode(bytes);
    body = TxBody.decode(raw.bodyBytes);
    authInfo = AuthInfo.decode(raw.authInfoBytes);
  } catch (error) {
    throw sdkError(SdkErrors.TxDecode, error instanceof Error ? error.message : String(error));
  }
  for (const msg of body.messages) {
    if (!isRoutable(msg.typeUrl))
      throw sdkError(SdkErrors.TxDecode, `unable to resolve type URL ${msg.typeUrl}`);
  }
  const signerInfo = authInfo.signerInfos[0];
  let pubkey: Uint8Array | undefined;
  if (signerInfo?.publicKey) {
    if (signerInfo.publicKey.typeUrl !== SECP256K1_PUBKEY_TYPE) {
      throw sdkError(SdkErrors.InvalidPubKey, `unsupported public key type ${signerInfo.publicKey.typeUrl}`);
    }
    pubkey = PubKey.decode(signerInfo.publicKey.value).key;
    if (pubkey.length !== 33) throw sdkError(SdkErrors.InvalidPubKey, `invalid pubkey size ${pubkey.length}`);
  }
  const fee = authInfo.fee;
  const feeCoins = parseCoins(fee?.amount ?? []);
  if (fee && fee.gasLimit > MAX_GAS_WANTED) {
    throw sdkError(SdkErrors.InvalidRequest, `invalid gas supplied; ${fee.gasLimit} > ${MAX_GAS_WANTED}`);
  }
  const msgSigners: string[] = [];
  for (const msg of body.messages) {
    const signer = messageSigner(msg.value);
    if (signer && !msgSigners.includes(signer)) msgSigners.push(signer);
  }
  return {
    bytes,
    bodyBytes: raw.bodyBytes,
    authInfoBytes: raw.authInfoBytes,
    signatures: raw.signatures,
    messages: body.messages,
    memo: body.memo,
    timeoutHeight: body.timeoutHeight,
    extensionOptions: body.extensionOptions.length,
    fee: feeCoins ?? [],
    feeValid: feeCoins !== undefined && (feeCoins.length === 0 || coinsValid(feeCoins)),
    gasLimit: Number(fee?.gasLimit ?? 0n),
    ...(pubkey ? { pubkey } : {}),
    signMode: signerInfo?.modeInfo?.single?.mode ?? SignMode.SIGN_MODE_UNSPECIFIED,
    sequence: Number(signerInfo?.sequence ?? 0n),
    signerInfos: authInfo.signerInfos.length,
    msgSigners,
  };
}

export type AnteEnv = {
  mode: ExecMode;
  /** Height of the block the tx runs in (CheckTx: the next block). */
  height: number;
  chainId: string;
  minGasPriceUbbn: number;
  store: KVStore;
  meter: GasMeter;
  emit: (event: AbciEvent) => void;
  /** Signature already verified for this tx (by CheckTx): skip the curve operation. */
  signatureVerified: boolean;
};

/** `LegacyDec.RoundInt`: half to even. */
function roundHalfEven(value: number): bigint {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff > 0.5 || (diff === 0.5 && floor % 2 !== 0)) return BigInt(floor + 1);
  return BigInt(floor);
}

/** Babylon's `CheckTxFeeWithGlobalMinGasPrices` (CheckTx and DeliverTx, not simulation). */
function checkFee(tx: DecodedTx, env: AnteEnv): void {
  if (env.height === 0) return;
  if (tx.fee.length === 0) throw sdkError(SdkErrors.Internal, "empty coins: invalid fee");
  const fee = tx.fee[0] as Coin;
  if (tx.fee.length > 1 || fee.denom !== BOND_DENOM) {
    throw sdkError(
      SdkErrors.Internal,
      `only ${BOND_DENOM} denom is allowed. Got: ${coinsString(tx.fee)}: invalid fee`,
    );
  }
  const minFee = roundHalfEven(env.minGasPriceUbbn * tx.gasLimit);
  if (fee.amount < minFee) {
    throw sdkError(SdkErrors.InsufficientFee, `insufficient fees; got: ${fee.amount} required: ${minFee}`);
  }
}

/** Runs the ante chain; returns the signer (fee payer). Writes (fee, pubkey, sequence) go to `env.store`. */
export function runAnte(tx: DecodedTx, env: AnteEnv): string {
  const { mode, store, meter } = env;
  const simulate = mode === "simulate";
  // Babylon GasLimitDecorator (CheckTx only).
  if (mode === "check" && tx.gasLimit > MAX_GAS_WANTED_PER_TX) {
    throw sdkError(
      SdkErrors.OutOfGas,
      `Too much gas wanted: ${tx.gasLimit}, maximum is ${MAX_GAS_WANTED_PER_TX}`,
    );
  }
  if (tx.extensionOptions > 0) throw sdkError(SdkErrors.UnknownExtensionOptions, "unknown extension options");
  // ValidateBasic.
  if (!tx.feeValid) throw sdkError(SdkErrors.InsufficientFee, `invalid fee provided: ${coinsString(tx.fee)}`);
  if (tx.signatures.length === 0) throw sdkError(SdkErrors.NoSignatures);
  if (tx.signerInfos !== 1 || tx.signatures.length !== 1) {
    throw sdkError(
      SdkErrors.Unauthorized,
      `wrong number of signers; expected 1, got ${Math.max(tx.signatures.length, tx.signerInfos)}`,
    );
  }
  // TxTimeoutHeight.
  if (tx.timeoutHeight > 0n && BigInt(env.height) > tx.timeoutHeight) {
    throw sdkError(
      SdkErrors.TxTimeoutHeight,
      `block height: ${env.height}, timeout height: ${tx.timeoutHeight}`,
    );
  }
  // ValidateMemo (reads the auth params, as each decorator that needs them does: the gas matches).
  readParams(store);
  const memoLength = [...tx.memo].length;
  if (memoLength > MAX_MEMO_CHARACTERS) {
    throw sdkError(
      SdkErrors.MemoTooLarge,
      `maximum number of characters is ${MAX_MEMO_CHARACTERS} but received ${memoLength} characters`,
    );
  }
  // The signer: from the messages, else the key in the signer info.
  const signer = tx.msgSigners[0] ?? (tx.pubkey ? addressFromPubkey(tx.pubkey) : undefined);
  if (!signer) throw sdkError(SdkErrors.InvalidPubKey, "pubkey on account is not set");

  // ConsumeGasForTxSize.
  readParams(store);
  meter.consume(GasCosts.txSizeCostPerByte * tx.bytes.length, "txSize");
  const signatureIncomplete = (tx.signatures[0]?.length ?? 0) === 0;
  if (simulate && signatureIncomplete) {
    Auth.get(store, signer);
    meter.consume(GasCosts.txSizeCostPerByte * SIMULATED_SIGNATURE_BYTES, "txSize");
  }

  // DeductFeeDecorator.
  if (!simulate && env.height > 0 && tx.gasLimit === 0) {
    throw sdkError(SdkErrors.InvalidGasLimit, "must provide positive gas");
  }
  if (!simulate) checkFee(tx, env);
  const fee = tx.fee;
  if (!Auth.get(store, signer))
    throw sdkError(SdkErrors.UnknownAddress, `fee payer address: ${signer} does not exist`);
  if (fee.length > 0) {
    Auth.get(store, feeCollectorAddress);
    try {
      Bank.send(store, signer, feeCollectorAddress, fee, env.emit);
    } catch (error) {
      if (error instanceof TxFailure) {
        throw sdkError(SdkErrors.InsufficientFunds, error.message);
      }
      throw error;
    }
  }
  env.emit({ type: "tx", attributes: [attr("fee", coinsString(fee)), attr("fee_payer", signer)] });

  // SetPubKeyDecorator.
  const account = Auth.get(store, signer);
  if (!account) throw sdkError(SdkErrors.UnknownAddress, `account ${signer} does not exist`);
  if (tx.pubkey && !simulate && addressFromPubkey(tx.pubkey) !== signer) {
    throw sdkError(
      SdkErrors.InvalidPubKey,
      `pubKey does not match signer address ${signer} with signer index: 0`,
    );
  }
  if (tx.pubkey && !account.pk && (!simulate || addressFromPubkey(tx.pubkey) === signer)) {
    account.pk = bytesToBase64(tx.pubkey);
    Auth.set(store, signer, account);
  }
  env.emit({ type: "tx", attributes: [attr("acc_seq", `${signer}/${tx.sequence}`)] });
  env.emit({
    type: "tx",
    attributes: [attr("signature", bytesToBase64(tx.signatures[0] ?? new Uint8Array()))],
  });

  // ValidateSigCountDecorator, SigGasConsumeDecorator.
  readParams(store);
  readParams(store);
  Auth.get(store, signer);
  const pubkey = account.pk ? base64ToBytes(account.pk) : simulate ? new Uint8Array(33) : undefined;
  if (!pubkey) throw sdkError(SdkErrors.InvalidPubKey, "unrecognized public key type: <nil>");
  meter.consume(GasCosts.sigVerifyCostSecp256k1, "ante verify: secp256k1");

  // SigVerificationDecorator.
  if (tx.msgSigners.length > 1) {
    throw sdkError(
      SdkErrors.Unauthorized,
      `invalid number of signer;  expected: ${tx.msgSigners.length}, got 1`,
    );
  }
  Auth.get(store, signer);
  if (!simulate && !account.pk) throw sdkError(SdkErrors.InvalidPubKey, "pubkey on account is not set");
  if (tx.sequence !== account.s) {
    throw sdkError(
      SdkErrors.WrongSequence,
      `account sequence mismatch, expected ${account.s}, got ${tx.sequence}`,
    );
  }
  if (!simulate && !env.signatureVerified) {
    const failure = verifyDirect(tx, pubkey, account.n, env.chainId);
    if (failure) {
      throw sdkError(
        SdkErrors.Unauthorized,
        `signature verification failed; please verify account number (${account.n}) and chain-id (${env.chainId}): (${failure})`,
      );
    }
  }
  // IncrementSequenceDecorator.
  Auth.get(store, signer);
  account.s += 1;
  Auth.set(store, signer, account);
  return signer;
}

/** SIGN_MODE_DIRECT: secp256k1 over sha256(SignDoc); low-S only. Returns the failure text, if any. */
function verifyDirect(
  tx: DecodedTx,
  pubkey: Uint8Array,
  accountNumber: number,
  chainId: string,
): string | undefined {
  if (tx.signMode !== SignMode.SIGN_MODE_DIRECT) {
    return `sign mode ${SignMode[tx.signMode] ?? tx.signMode} is not supported by this devnet`;
  }
  const signDoc = SignDoc.encode({
    bodyBytes: tx.bodyBytes,
    authInfoBytes: tx.authInfoBytes,
    chainId,
    accountNumber: BigInt(accountNumber),
  }).finish();
  const signature = tx.signatures[0] ?? new Uint8Array();
  return verifySecp256k1(signature, signDoc, pubkey) ? undefined : "unable to verify single signer signature";
}

const SECP256K1_HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;
/** SubjectPublicKeyInfo DER prefix of a compressed secp256k1 point (id-ecPublicKey, secp256k1). */
const SPKI_PREFIX = hexToBytes("3036301006072a8648ce3d020106052b8104000a032200");
const keyObjects = new Map<string, KeyObject | null>();

function keyObject(pubkey: Uint8Array): KeyObject | null {
  const id = bytesToHex(pubkey);
  let key = keyObjects.get(id);
  if (key === undefined) {
    try {
      key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, pubkey]), format: "der", type: "spki" });
    } catch {
      key = null;
    }
    if (keyObjects.size > 10_000) keyObjects.clear();
    keyObjects.set(id, key);
  }
  return key;
}

/**
 * The SDK's `secp256k1.PubKey.VerifySignature`: 64-byte r‖s over sha256(message), low S only.
 * OpenSSL does the curve work (noble if the key cannot be imported); both reject invalid points.
 */
export function verifySecp256k1(signature: Uint8Array, message: Uint8Array, pubkey: Uint8Array): boolean {
  if (signature.length !== 64 || pubkey.length !== 33) return false;
  const s = BigInt(`0x${bytesToHex(signature.subarray(32))}`);
  if (s > SECP256K1_HALF_ORDER) return false;
  const key = keyObject(pubkey);
  try {
    if (key) return cryptoVerify("sha256", message, { key, dsaEncoding: "ieee-p1363" }, signature);
    return secp256k1.verify(signature, sha256(message), pubkey, { prehash: false });
  } catch {
    // malformed signature or key: same answer as a failed verification
    return false;
  }
}
