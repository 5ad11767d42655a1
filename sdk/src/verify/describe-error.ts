/** @module `describeError`: one line for a check's detail, from any thrown value. */
import { BaseError } from "../../../src/errors/base.ts";

/** `BaseError`s as `short message: details` (their `message` spans lines); others as `Name: message`. */
export function describeError(error: unknown): string {
  if (error instanceof BaseError)
    return error.details === undefined ? error.shortMessage : `${error.shortMessage}: ${error.details}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
