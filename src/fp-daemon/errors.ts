/** @module Typed errors of the FP daemon's key handling. None ever carries secret bytes or a passphrase. */
import { BaseError, type BaseErrorOptions } from "../errors/base.ts";

export type KeystoreErrorCode =
  /** The passphrase does not open the keystore, or the file was altered (the AEAD cannot tell which). */
  | "keystore_wrong_passphrase"
  /** The keystore JSON is malformed; `field` names the bad field. */
  | "keystore_invalid"
  | "keystore_unsupported_version"
  /** The decrypted secret is not the key the file names. */
  | "keystore_public_key_mismatch"
  | "keystore_empty_passphrase"
  /** Refused to replace an existing keystore file. */
  | "keystore_exists"
  | "keystore_not_found"
  /** A keystore or passphrase file readable by group or others. */
  | "keystore_insecure_permissions"
  /** Neither a passphrase variable nor a passphrase file was given. */
  | "keystore_passphrase_missing"
  /** Secret input (hex key, mnemonic) that cannot be used; never echoes the input. */
  | "keystore_invalid_secret";

export class KeystoreError extends BaseError {
  override name = "KeystoreError";
  declare readonly code: KeystoreErrorCode;

  constructor(code: KeystoreErrorCode, shortMessage: string, options: BaseErrorOptions = {}) {
    super(code, shortMessage, options);
  }
}
