/**
 * @module `keys add | import | show`: the logic behind the CLI's key commands, on parsed arguments. Secrets
 * come from the CSPRNG, a file or stdin (never argv, which any user sees in `ps`) and leave only encrypted;
 * nothing here prints a secret.
 */
import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { Bip39, EnglishMnemonic, Random } from "@cosmjs/crypto";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { bytesToHex, hexToBytes, utf8ToBytes, xOnlyPublicKey } from "../../src/crypto/index.ts";
import { BaseError } from "../../src/errors/base.ts";
import { KeystoreError } from "../../src/fp-daemon/errors.ts";
import {
  encryptKeystore,
  KEY_NAME_PATTERN,
  type Keystore,
  type KeystoreKind,
  type ScryptParams,
} from "../../src/fp-daemon/keystore.ts";
import { EXIT } from "../exit-codes.ts";
import { type Home, resolveHome } from "../home.ts";
import {
  type PassphraseSource,
  readKeystoreFile,
  resolvePassphrase,
  writeKeystoreFile,
} from "./keystore-file.ts";

/** Where the command writes: `out` for results (stdout), `err` for failures (stderr). */
export type KeysOutput = { out(line: string): void; err(line: string): void };

export type KeysTarget = {
  /** The FP home; keys live in `<home>/keys/<name>.eots.json` and `<name>.babylon.json`. */
  home: string;
  name: string;
};

export type KeysWriteArguments = KeysTarget & {
  /** Where the passphrase comes from (env var `FP_KEYSTORE_PASSPHRASE` unless a file is given). */
  passphrase?: PassphraseSource;
  /** Replace existing keystores of this name. */
  overwrite?: boolean;
  /** scrypt cost; lower only in tests. */
  kdf?: Partial<ScryptParams>;
};

export type KeysAddArguments = KeysWriteArguments & {
  /** Also create a Babylon account (a new 24-word mnemonic). */
  babylon?: boolean;
};

export type KeysImportArguments = KeysWriteArguments & {
  /** File holding the EOTS secret key as 64 hex characters; `-` reads stdin. */
  eotsFile?: string;
  /** File holding the Babylon account's BIP-39 mnemonic; `-` reads stdin. */
  mnemonicFile?: string;
  /** Reads all of stdin; defaults to `process.stdin`. */
  readStdin?: () => Promise<string>;
};

export type KeysShowArguments = KeysTarget & { json?: boolean };

const FILE_SUFFIX: Record<KeystoreKind, string> = { eots: ".eots.json", "babylon-mnemonic": ".babylon.json" };

/** The keystore path of one kind of key, refusing names that are not plain file names. */
export function keystorePath(home: string, name: string, kind: KeystoreKind): string {
  if (!KEY_NAME_PATTERN.test(name)) {
    throw new KeystoreError("keystore_invalid", `Invalid key name "${name}"`, {
      field: "name",
      details: "use 1-64 of A-Z a-z 0-9 . _ - , not starting with . _ -",
    });
  }
  return join(resolveHome(home).keysDir, `${name}${FILE_SUFFIX[kind]}`);
}

/** What the CLI parsed for `keys <sub>`. */
export type KeysCommandArguments = {
  sub: string | undefined;
  home: Home | string;
  name: string;
  babylon?: boolean;
  eotsFile?: string | undefined;
  mnemonicFile?: string | undefined;
  overwrite?: boolean;
  json?: boolean;
  /** For the passphrase: `FP_KEYSTORE_PASSPHRASE` or `FP_KEYSTORE_PASSPHRASE_FILE`. */
  env?: Readonly<Record<string, string | undefined>>;
  out: (line: string) => void;
  err: (line: string) => void;
  /** Where `-` reads a secret from (default `process.stdin`). */
  stdin?: NodeJS.ReadableStream;
  kdf?: Partial<ScryptParams>;
};

/** `keys add | import | show`, returning the exit code (fp-daemon/exit-codes.ts). */
export function runKeysCommand(args: KeysCommandArguments): Promise<number> {
  const output: KeysOutput = { out: args.out, err: args.err };
  const target = {
    home: typeof args.home === "string" ? args.home : args.home.dir,
    name: args.name,
    passphrase: { env: args.env ?? process.env },
    overwrite: args.overwrite ?? false,
    kdf: args.kdf,
  };
  const { stdin } = args;
  switch (args.sub) {
    case "add":
      return keysAdd({ ...target, babylon: args.babylon ?? false }, output);
    case "import":
      return keysImport(
        {
          ...target,
          eotsFile: args.eotsFile,
          mnemonicFile: args.mnemonicFile,
          ...(stdin && { readStdin: () => readAll(stdin) }),
        },
        output,
      );
    case "show":
      return keysShow({ home: target.home, name: args.name, json: args.json ?? false }, output);
    default:
      output.err(`keys: expected add, import or show${args.sub === undefined ? "" : `, got ${args.sub}`}`);
      return Promise.resolve(EXIT.usage);
  }
}

/** `keys add`: a fresh EOTS key and, with `babylon`, a fresh Babylon account. */
export function keysAdd(args: KeysAddArguments, output: KeysOutput): Promise<number> {
  return run(output, async () => {
    const secrets: Secret[] = [{ kind: "eots", secret: randomEotsKey() }];
    if (args.babylon) secrets.push({ kind: "babylon-mnemonic", secret: newMnemonic() });
    await store(args, secrets, output);
  });
}

/** `keys import`: an existing EOTS key and/or Babylon mnemonic, read from files or stdin. */
export function keysImport(args: KeysImportArguments, output: KeysOutput): Promise<number> {
  return run(output, async () => {
    if (args.eotsFile === undefined && args.mnemonicFile === undefined) {
      throw new KeystoreError(
        "keystore_invalid_secret",
        "Nothing to import: give an EOTS key file or a mnemonic file",
        {
          field: "eotsFile",
        },
      );
    }
    if (args.eotsFile === "-" && args.mnemonicFile === "-") {
      throw new KeystoreError("keystore_invalid_secret", "Only one secret can come from stdin", {
        field: "mnemonicFile",
      });
    }
    const read = (file: string) =>
      file === "-" ? (args.readStdin ?? readProcessStdin)() : readFile(file, "utf8");
    const secrets: Secret[] = [];
    if (args.eotsFile !== undefined) {
      secrets.push({ kind: "eots", secret: parseEotsKeyHex(await read(args.eotsFile)) });
    }
    if (args.mnemonicFile !== undefined) {
      secrets.push({ kind: "babylon-mnemonic", secret: parseMnemonic(await read(args.mnemonicFile)) });
    }
    await store(args, secrets, output);
  });
}

/** `keys show`: the public key and address of a name, from the keystores' headers; needs no passphrase. */
export function keysShow(args: KeysShowArguments, output: KeysOutput): Promise<number> {
  return run(output, async () => {
    const found: { kind: KeystoreKind; path: string; keystore: Keystore }[] = [];
    for (const kind of ["eots", "babylon-mnemonic"] as const) {
      const path = keystorePath(args.home, args.name, kind);
      const keystore = await readKeystoreFile(path).catch((error: unknown) => {
        if (error instanceof KeystoreError && error.code === "keystore_not_found") return undefined;
        throw error;
      });
      if (keystore) found.push({ kind, path, keystore });
    }
    if (found.length === 0) {
      throw new KeystoreError(
        "keystore_not_found",
        `No keys named "${args.name}" in ${resolveHome(args.home).keysDir}`,
        {
          field: "name",
        },
      );
    }
    if (args.json) {
      const entry = (kind: KeystoreKind) => found.find((f) => f.kind === kind);
      const eots = entry("eots");
      const babylon = entry("babylon-mnemonic");
      output.out(
        JSON.stringify({
          name: args.name,
          ...(eots && { eots: { publicKey: eots.keystore.publicKey, path: eots.path } }),
          ...(babylon && { babylon: { address: babylon.keystore.publicKey, path: babylon.path } }),
        }),
      );
    } else {
      for (const { kind, path, keystore } of found) output.out(describe(kind, keystore.publicKey, path));
    }
  });
}

type Secret = { kind: KeystoreKind; secret: Uint8Array };

/** Encrypts and writes every secret of one name; checks every target first, so nothing is half-written. */
async function store(args: KeysWriteArguments, secrets: Secret[], output: KeysOutput): Promise<void> {
  try {
    const targets = secrets.map(({ kind }) => keystorePath(args.home, args.name, kind));
    if (!args.overwrite) {
      for (const path of targets) {
        const exists = await access(path).then(
          () => true,
          () => false,
        );
        if (exists) {
          throw new KeystoreError("keystore_exists", `A keystore already exists at ${path}`, {
            field: "name",
            details: "choose another name or ask for an overwrite",
          });
        }
      }
    }
    const passphrase = await resolvePassphrase(args.passphrase);
    for (const [i, { kind, secret }] of secrets.entries()) {
      const path = targets[i] as string;
      const publicKey = await publicKeyOf(kind, secret);
      const keystore = await encryptKeystore({
        kind,
        name: args.name,
        publicKey,
        secret,
        passphrase,
        kdf: args.kdf,
      });
      await writeKeystoreFile(path, keystore, { overwrite: args.overwrite });
      output.out(describe(kind, publicKey, path));
    }
  } finally {
    for (const { secret } of secrets) secret.fill(0);
  }
}

/** EOTS: the x-only key as hex. Babylon: the account's `bbn1…` address (cosmos HD path m/44'/118'/0'/0/0). */
async function publicKeyOf(kind: KeystoreKind, secret: Uint8Array): Promise<string> {
  if (kind === "eots") return bytesToHex(xOnlyPublicKey(secret));
  const wallet = await DirectSecp256k1HdWallet.fromMnemonic(new TextDecoder().decode(secret), {
    prefix: "bbn",
  });
  const [account] = await wallet.getAccounts();
  if (account === undefined) throw new Error("DirectSecp256k1HdWallet returned no account");
  return account.address;
}

function describe(kind: KeystoreKind, publicKey: string, path: string): string {
  return kind === "eots"
    ? `eots public key   ${publicKey}  (${path})`
    : `babylon address   ${publicKey}  (${path})`;
}

/** 32 CSPRNG bytes that are a valid secp256k1 scalar (a retry is a 2^-128 event). */
function randomEotsKey(): Uint8Array {
  for (;;) {
    const candidate = crypto.getRandomValues(new Uint8Array(32));
    try {
      xOnlyPublicKey(candidate);
      return candidate;
    } catch {
      candidate.fill(0);
    }
  }
}

function newMnemonic(): Uint8Array {
  return utf8ToBytes(Bip39.encode(Random.getBytes(32)).toString());
}

/** 64 hex characters (an optional `0x` and surrounding whitespace allowed); the input is never echoed. */
function parseEotsKeyHex(text: string): Uint8Array {
  const hex = text.trim().replace(/^0x/i, "");
  if (/^[0-9a-fA-F]{64}$/.test(hex)) {
    const secret = hexToBytes(hex);
    try {
      xOnlyPublicKey(secret);
      return secret;
    } catch {
      secret.fill(0);
    }
  }
  throw new KeystoreError(
    "keystore_invalid_secret",
    "The EOTS key must be 64 hex characters of a valid secret key",
    {
      field: "eotsFile",
    },
  );
}

/** A valid English BIP-39 mnemonic, whitespace normalised; the words are never echoed. */
function parseMnemonic(text: string): Uint8Array {
  const words = text.trim().toLowerCase().split(/\s+/).join(" ");
  try {
    return utf8ToBytes(new EnglishMnemonic(words).toString());
  } catch {
    throw new KeystoreError(
      "keystore_invalid_secret",
      "The mnemonic is not a valid English BIP-39 mnemonic",
      {
        field: "mnemonicFile",
      },
    );
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}

const readProcessStdin = () => readAll(process.stdin);

/**
 * Typed failures become one stderr line (as the CLI prints them) and an exit code: keystore problems are
 * the operator's to fix (usage), others may pass on a retry (failure). Anything untyped is a bug: it propagates.
 */
async function run(output: KeysOutput, task: () => Promise<void>): Promise<number> {
  try {
    await task();
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof BaseError)) throw error;
    output.err(`${error.code}: ${error.shortMessage}${error.details ? ` (${error.details})` : ""}`);
    return error.code.startsWith("keystore_") ? EXIT.usage : EXIT.failure;
  }
}
