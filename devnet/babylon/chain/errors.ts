/**
 * @module Cosmos SDK registered errors as the chain reports them: an ABCI code within a codespace,
 * and a log that is the wrap chain's message ending in the registered description
 * (`"account sequence mismatch, expected 3, got 2: incorrect account sequence"`).
 */
import { TxFailure } from "./module.ts";

type Registered = { codespace: string; code: number; desc: string };

const sdk = (code: number, desc: string): Registered => ({ codespace: "sdk", code, desc });

/** `cosmos-sdk/types/errors` (codespace `sdk`). */
export const SdkErrors = {
  TxDecode: sdk(2, "tx parse error"),
  Unauthorized: sdk(4, "unauthorized"),
  InsufficientFunds: sdk(5, "insufficient funds"),
  UnknownRequest: sdk(6, "unknown request"),
  InvalidAddress: sdk(7, "invalid address"),
  InvalidPubKey: sdk(8, "invalid pubkey"),
  UnknownAddress: sdk(9, "unknown address"),
  InvalidCoins: sdk(10, "invalid coins"),
  OutOfGas: sdk(11, "out of gas"),
  MemoTooLarge: sdk(12, "memo too large"),
  InsufficientFee: sdk(13, "insufficient fee"),
  TooManySignatures: sdk(14, "maximum number of signatures exceeded"),
  NoSignatures: sdk(15, "no signatures supplied"),
  InvalidRequest: sdk(18, "invalid request"),
  TxTooLarge: sdk(21, "tx too large"),
  KeyNotFound: sdk(22, "key not found"),
  InvalidHeight: sdk(26, "invalid height"),
  InvalidType: sdk(29, "invalid type"),
  TxTimeoutHeight: sdk(30, "tx timeout height"),
  UnknownExtensionOptions: sdk(31, "unknown extension options"),
  WrongSequence: sdk(32, "incorrect account sequence"),
  NotSupported: sdk(37, "feature not supported"),
  InvalidGasLimit: sdk(41, "invalid gas limit"),
  /** `errorsmod.ErrPanic`: a handler that threw something other than a `TxFailure`. */
  Panic: { codespace: "undefined", code: 111222, desc: "panic" },
  /** An error not registered with errorsmod (`fmt.Errorf`), e.g. Babylon's fee checker `invalid fee`. */
  Internal: { codespace: "undefined", code: 1, desc: "" },
} as const satisfies Record<string, Registered>;

/** `errorsmod.Wrap(registered, message)`: the log is `message: desc`. */
export function sdkError(error: Registered, message?: string): TxFailure {
  const log = message === undefined ? error.desc : error.desc ? `${message}: ${error.desc}` : message;
  return new TxFailure(error.codespace, error.code, log);
}

/** Gas ran out in `descriptor`; the tx layer turns it into `ErrOutOfGas` with the gas figures. */
export class OutOfGasError extends Error {
  override name = "OutOfGasError";
  readonly descriptor: string;
  constructor(descriptor: string) {
    super(`out of gas in location: ${descriptor}`);
    this.descriptor = descriptor;
  }
}

/** Any thrown value as a `TxFailure` (non-`TxFailure` throws are handler bugs: ErrPanic, as baseapp recovers them). */
export function asTxFailure(error: unknown): TxFailure {
  if (error instanceof TxFailure) return error;
  const text = error instanceof Error ? error.message : String(error);
  return sdkError(SdkErrors.Panic, text);
}
