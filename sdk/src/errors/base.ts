/**
 * @module The SDK's error base. It extends the repo's `BaseError` (stable `code`, `field`, `details`, `cause`,
 * `walk`), so the edge's vocabulary and the SDK's are one, and adds what a client learns from an HTTP answer.
 */
import { BaseError } from "../../../src/errors/base.ts";
import { VERSION } from "../version.ts";

export type FinalityEdgeErrorOptions = {
  /** Stable machine code: the problem's `code` for answers from the edge, the SDK's own for client-side errors. */
  code: string;
  details?: string | undefined;
  field?: string | undefined;
  /** HTTP status of the edge's answer; undefined for errors raised before or without an answer. */
  status?: number | undefined;
  /** Seconds the edge asked to wait (`Retry-After`). */
  retryAfter?: number | undefined;
  /** The problem's `type` URI: a page about this code. */
  docsUrl?: string | undefined;
  /** Extra lines for `message` (the request's method and URL). */
  metaMessages?: string[] | undefined;
  cause?: unknown;
};

/**
 * Every error the SDK throws. `shortMessage` is one line; `message` adds status, field, details, the request,
 * the docs link and the SDK version, one per line (as viem's errors do).
 */
export class FinalityEdgeError extends BaseError {
  override name = "FinalityEdgeError";
  readonly status: number | undefined;
  readonly retryAfter: number | undefined;
  readonly docsUrl: string | undefined;
  readonly metaMessages: string[] | undefined;
  readonly version = `@finality-edge/sdk@${VERSION}`;

  constructor(shortMessage: string, options: FinalityEdgeErrorOptions) {
    super(options.code, shortMessage, {
      ...(options.details !== undefined ? { details: options.details } : {}),
      ...(options.field !== undefined ? { field: options.field } : {}),
      ...(options.cause !== undefined ? { cause: options.cause } : {}),
    });
    this.status = options.status;
    this.retryAfter = options.retryAfter;
    this.docsUrl = options.docsUrl;
    this.metaMessages = options.metaMessages;
    const lines = [shortMessage, ""];
    lines.push(
      options.status === undefined ? `Code: ${options.code}` : `Status: ${options.status} (${options.code})`,
    );
    if (options.field) lines.push(`Field: ${options.field}`);
    if (options.details) lines.push(`Details: ${options.details}`);
    if (options.retryAfter !== undefined) lines.push(`Retry after: ${options.retryAfter} s`);
    lines.push(...(options.metaMessages ?? []));
    if (options.docsUrl) lines.push(`Docs: ${options.docsUrl}`);
    lines.push(`Version: ${this.version}`);
    this.message = lines.join("\n");
  }
}
