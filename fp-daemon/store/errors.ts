/** @module The errors the FP daemon's SQLite store raises on purpose. */
import { BaseError, type BaseErrorOptions } from "../../src/errors/base.ts";

export type StoreErrorCode =
  | "store_scope_mismatch"
  | "store_version_unsupported"
  | "store_closed"
  | "store_invalid_input";

export class StoreError extends BaseError {
  override name = "StoreError";
  declare readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, shortMessage: string, options?: BaseErrorOptions) {
    super(code, shortMessage, options);
  }
}

type Scope = { publicKeyHex: string; bsnId: string };

/** The file (or a key handed to the store) belongs to another key or BSN than the one this store serves. */
export class StoreScopeMismatchError extends StoreError {
  override name = "StoreScopeMismatchError";
  readonly expected: Scope;
  readonly actual: Scope;

  constructor(expected: Scope, actual: Scope, what: string, field?: string) {
    super("store_scope_mismatch", `${what} belongs to another finality provider or BSN`, {
      field,
      details:
        `this store serves key ${expected.publicKeyHex} on BSN ${expected.bsnId}, ` +
        `got key ${actual.publicKeyHex} on BSN ${actual.bsnId}`,
    });
    this.expected = expected;
    this.actual = actual;
  }
}

/** The file was written by a newer version of the daemon: opening it could lose what that version keeps. */
export class StoreVersionUnsupportedError extends StoreError {
  override name = "StoreVersionUnsupportedError";
  readonly found: number;
  readonly supported: number;

  constructor(path: string, found: number, supported: number) {
    super("store_version_unsupported", `Store schema version ${found} is newer than this daemon knows`, {
      details: `${path} has schema version ${found}; this daemon supports up to version ${supported}: upgrade it`,
    });
    this.found = found;
    this.supported = supported;
  }
}

export class StoreClosedError extends StoreError {
  override name = "StoreClosedError";

  constructor(operation: string) {
    super("store_closed", `The store is closed (${operation} called after close)`);
  }
}

/** A value SQLite could not keep exactly (a height beyond int64, a fraction, a malformed outbox key, …). */
export class StoreInvalidInputError extends StoreError {
  override name = "StoreInvalidInputError";

  constructor(field: string, details: string) {
    super("store_invalid_input", `Invalid ${field} for the store`, { field, details });
  }
}
