/** @module The one error base every Finality Edge error extends. */

export type BaseErrorOptions = {
  /** Longer, human-readable explanation (RFC 9457 `detail`). */
  details?: string;
  /** The field or parameter the error is about, when there is one. */
  field?: string;
  cause?: unknown;
};

/**
 * Every error Finality Edge raises on purpose carries a stable machine `code`, a short title and
 * optionally the offending `field`. HTTP mapping happens in one place (the API layer), not here,
 * so this class stays runtime- and transport-agnostic.
 */
export class BaseError extends Error {
  override name = "BaseError";
  readonly code: string;
  readonly shortMessage: string;
  readonly details: string | undefined;
  readonly field: string | undefined;

  constructor(code: string, shortMessage: string, options: BaseErrorOptions = {}) {
    const lines = [shortMessage];
    if (options.field) lines.push(`Field: ${options.field}`);
    if (options.details) lines.push(`Details: ${options.details}`);
    super(lines.join("\n"), options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.shortMessage = shortMessage;
    this.details = options.details;
    this.field = options.field;
  }

  /** Walks the `cause` chain and returns the first error matching `predicate` (or the deepest). */
  walk(predicate?: (err: unknown) => boolean): unknown {
    let current: unknown = this;
    while (current instanceof Error) {
      if (predicate?.(current)) return current;
      if (current.cause === undefined) return predicate ? undefined : current;
      current = current.cause;
    }
    return predicate?.(current) ? current : undefined;
  }
}
