/**
 * @module The examples' command lines: `--name value` flags (and bare boolean ones), nothing positional, so each
 * CLI's `main.ts` stays a table of its flags and a call.
 */

export class UsageError extends Error {
  override name = "UsageError";
}

export type FlagSpec = Readonly<Record<string, "string" | "list" | "boolean">>;
export type Flags = { strings: Map<string, string>; lists: Map<string, string[]>; booleans: Set<string> };

/** Parses `argv` against `spec`; `--help`/`-h` returns "help". Unknown flags and missing values are usage errors. */
export function parseFlags(argv: readonly string[], spec: FlagSpec): Flags | "help" {
  const flags: Flags = { strings: new Map(), lists: new Map(), booleans: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--help" || arg === "-h") return "help";
    const name = arg.startsWith("--") ? arg.slice(2) : undefined;
    const kind = name === undefined ? undefined : spec[name];
    if (name === undefined || kind === undefined)
      throw new UsageError(`unknown argument ${arg} (see --help)`);
    if (kind === "boolean") {
      flags.booleans.add(name);
      continue;
    }
    const value = argv[++i];
    if (value === undefined || value.startsWith("--")) throw new UsageError(`${arg}: expected a value`);
    if (kind === "list") flags.lists.set(name, [...(flags.lists.get(name) ?? []), value]);
    else flags.strings.set(name, value);
  }
  return flags;
}

/** A number flag within [min, max] (decimals allowed when `integer` is false). */
export function numberFlag(
  flags: Flags,
  name: string,
  fallback: number,
  { min = 0, max = Number.MAX_SAFE_INTEGER, integer = true } = {},
): number {
  const raw = flags.strings.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  const ok = raw.trim() !== "" && Number.isFinite(value) && (!integer || Number.isInteger(value));
  if (!ok || value < min || value > max) {
    throw new UsageError(
      `--${name} ${raw}: expected ${integer ? "an integer" : "a number"} in [${min}, ${max}]`,
    );
  }
  return value;
}

/** Runs a CLI's `main`: usage errors print the message and the help text and exit 2. */
export async function runCli(help: string, main: () => Promise<number | undefined>): Promise<never> {
  try {
    process.exit((await main()) ?? 0);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${help}`);
    process.exit(2);
  }
}
