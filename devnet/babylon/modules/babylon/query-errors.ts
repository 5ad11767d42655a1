/**
 * @module Query and message failures as a Babylon node reports them. A gRPC query handler's error
 * reaches an ABCI client through baseapp's `gRPCErrorToSDKError` (so the codespace is `sdk`, the code
 * that of the SDK error chosen by the gRPC status, and the log ends with that error's text); a
 * message handler's error keeps its module codespace and code, or is `undefined`/1 when it is a plain
 * Go error (a real node in non-trace mode then redacts the log to `internal`; the emulator keeps the
 * text, which is more useful in a devnet).
 */
import { TxFailure } from "../../chain/module.ts";

/** cosmos-sdk `types/errors` codes used below. */
const SDK = { txDecode: 2, unknownRequest: 6, invalidAddress: 7, invalidRequest: 18 } as const;

export const queryError = {
  /** `status.Error(codes.InvalidArgument, msg)` → ErrInvalidRequest. */
  invalidArgument: (message: string): TxFailure =>
    new TxFailure(
      "sdk",
      SDK.invalidRequest,
      `rpc error: code = InvalidArgument desc = ${message}: invalid request`,
    ),
  /** `status.Error(codes.Internal, msg)` → ErrUnknownRequest (the default branch). */
  internal: (message: string): TxFailure =>
    new TxFailure("sdk", SDK.unknownRequest, `rpc error: code = Internal desc = ${message}: unknown request`),
  /** A registered module error (`errorsmod.Register`, gRPC code Unknown), optionally `Wrap`ped. */
  registered: (description: string, wrap?: string): TxFailure =>
    new TxFailure(
      "sdk",
      SDK.unknownRequest,
      `${wrap === undefined ? "" : `${wrap}: `}${description}: unknown request`,
    ),
  /** `errorsmod.Wrapf(sdkerrors.ErrInvalidRequest, msg)` (gRPC code InvalidArgument). */
  sdkInvalidRequest: (message: string): TxFailure =>
    new TxFailure("sdk", SDK.invalidRequest, `${message}: invalid request: invalid request`),
  /** A plain Go error (`fmt.Errorf`, no registered cause) → ErrInvalidRequest. */
  plain: (message: string): TxFailure =>
    new TxFailure("sdk", SDK.invalidRequest, `${message}: invalid request`),
  /** The request bytes do not decode as the method's request type. */
  undecodable: (message: string): TxFailure =>
    new TxFailure("sdk", SDK.txDecode, `${message}: tx parse error`),
};

export const txError = {
  /** A registered module error, `errorsmod.Wrap(err, wrap)` when `wrap` is given. */
  registered: (codespace: string, code: number, description: string, wrap?: string): TxFailure =>
    new TxFailure(codespace, code, wrap === undefined ? description : `${wrap}: ${description}`),
  /** A plain Go error (`fmt.Errorf` / `errors.New`). */
  plain: (message: string): TxFailure => new TxFailure("undefined", 1, message),
  /** `sdkerrors.ErrInvalidAddress` wrapped. */
  invalidAddress: (message: string): TxFailure =>
    new TxFailure("sdk", SDK.invalidAddress, `${message}: invalid address`),
};
