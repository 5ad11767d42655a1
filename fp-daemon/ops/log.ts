/**
 * @module The daemon's structured logger: one JSON object per line (or one human line), with secrets and key
 * material kept out of the output whatever a call site passes in.
 */

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  readonly level: LogLevel;
  enabled(level: LogLevel): boolean;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (its own fields win over the parent's). */
  child(fields: LogFields): Logger;
}

export type LoggerOptions = {
  /** Lines below this level are dropped. Default `info`. */
  level?: LogLevel;
  /** Where lines go. Default `process.stderr` (stdout stays free for a program's own output). */
  stream?: { write(chunk: string): unknown };
  /** `json`: one object per line, for machines. `pretty`: one readable line, for a terminal. Default `json`. */
  format?: "json" | "pretty";
  /** Fields on every line. */
  fields?: LogFields;
  /** The clock, for tests. */
  now?: () => Date;
};

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
/** Field names whose values are never written, at any depth. */
const SECRET_NAME = /secret|passphrase|mnemonic|private|password|token/i;
const MAX_DEPTH = 6;
const MAX_CAUSES = 4;
const MAX_ITEMS = 50;
const RESERVED = new Set(["time", "level", "msg"]);

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === "string" && Object.hasOwn(LEVEL_RANK, value);
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? "info";
  if (!isLogLevel(level)) throw new TypeError(`Unknown log level ${JSON.stringify(level)}`);
  return new StructuredLogger({
    level,
    stream: options.stream ?? process.stderr,
    format: options.format ?? "json",
    now: options.now ?? (() => new Date()),
    fields: { ...options.fields },
  });
}

type Settings = {
  level: LogLevel;
  stream: { write(chunk: string): unknown };
  format: "json" | "pretty";
  now: () => Date;
  fields: LogFields;
};

class StructuredLogger implements Logger {
  constructor(private readonly settings: Settings) {}

  get level(): LogLevel {
    return this.settings.level;
  }

  enabled(level: LogLevel): boolean {
    return LEVEL_RANK[level] >= LEVEL_RANK[this.settings.level];
  }

  debug(msg: string, fields?: LogFields): void {
    this.#write("debug", msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.#write("info", msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.#write("warn", msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.#write("error", msg, fields);
  }

  child(fields: LogFields): Logger {
    return new StructuredLogger({ ...this.settings, fields: { ...this.settings.fields, ...fields } });
  }

  #write(level: LogLevel, msg: string, fields: LogFields | undefined): void {
    if (!this.enabled(level)) return;
    // Logging never takes the daemon down: a broken stream or a hostile value loses one line at most.
    try {
      const merged = sanitizeFields({ ...this.settings.fields, ...fields });
      const time = this.settings.now().toISOString();
      const line =
        this.settings.format === "pretty"
          ? prettyLine(time, level, String(msg), merged)
          : JSON.stringify({ time, level, msg: String(msg), ...merged });
      this.settings.stream.write(`${line}\n`);
    } catch {
      // nothing sensible left to report to
    }
  }
}

/** Redacts, flattens and bounds the fields; a field named like a reserved key is kept as `field.<name>`. */
function sanitizeFields(fields: LogFields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const seen = new WeakSet<object>();
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    out[RESERVED.has(key) ? `field.${key}` : key] = SECRET_NAME.test(key)
      ? "[redacted]"
      : sanitize(value, 0, seen);
  }
  return out;
}

/** A JSON-safe copy of `value`: no bytes, no bigint, no cycles, bounded depth and width. */
export function sanitize(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : String(value);
    case "bigint":
      return value.toString();
    case "undefined":
      return undefined;
    case "symbol":
      return value.toString();
    case "function":
      return `[function ${value.name || "anonymous"}]`;
  }
  if (value === null) return null;
  const object = value as object;
  // Raw bytes are usually key material or signatures: say how long they are, never what they hold.
  if (ArrayBuffer.isView(object)) return `[${object.byteLength} bytes]`;
  if (object instanceof ArrayBuffer) return `[${object.byteLength} bytes]`;
  if (object instanceof Error) return serializeError(object, depth, seen);
  if (object instanceof Date) return Number.isNaN(object.getTime()) ? "Invalid Date" : object.toISOString();
  if (depth >= MAX_DEPTH) return "[too deep]";
  if (seen.has(object)) return "[circular]";
  seen.add(object);
  try {
    if (Array.isArray(object) || object instanceof Set) {
      const items = [...object];
      const copied = items.slice(0, MAX_ITEMS).map((item) => sanitize(item, depth + 1, seen) ?? null);
      if (items.length > MAX_ITEMS) copied.push(`[${items.length - MAX_ITEMS} more]`);
      return copied;
    }
    const entries = object instanceof Map ? [...object.entries()] : Object.entries(object);
    const out: Record<string, unknown> = {};
    for (const [key, item] of entries.slice(0, MAX_ITEMS)) {
      const name = String(key);
      out[name] = SECRET_NAME.test(name) ? "[redacted]" : sanitize(item, depth + 1, seen);
    }
    if (entries.length > MAX_ITEMS) out["[more]"] = entries.length - MAX_ITEMS;
    return out;
  } catch {
    // A throwing getter or iterator: the value is unreadable, not the line.
    return "[unreadable]";
  } finally {
    seen.delete(object);
  }
}

/** `{name, code, message, cause}`; nothing else of the error (own properties may hold requests or keys). */
function serializeError(
  err: Error,
  depth: number,
  seen: WeakSet<object>,
  causes = 0,
): Record<string, unknown> {
  const out: Record<string, unknown> = { name: err.name, message: err.message };
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" || typeof code === "number") out.code = code;
  if (err.cause !== undefined) {
    if (causes >= MAX_CAUSES) out.cause = "[more causes]";
    else if (err.cause instanceof Error) out.cause = serializeError(err.cause, depth, seen, causes + 1);
    else out.cause = sanitize(err.cause, depth + 1, seen);
  }
  return out;
}

/** `HH:MM:SS.mmm LEVEL msg key=value …` with values as JSON unless they are plain words. */
function prettyLine(time: string, level: LogLevel, msg: string, fields: Record<string, unknown>): string {
  const parts = [time.slice(11, 23), level.toUpperCase().padEnd(5), JSON.stringify(msg).slice(1, -1)];
  for (const [key, value] of Object.entries(fields)) {
    const text = typeof value === "string" && /^[\w.:/@+-]+$/.test(value) ? value : JSON.stringify(value);
    parts.push(`${key}=${text}`);
  }
  return parts.join(" ");
}
