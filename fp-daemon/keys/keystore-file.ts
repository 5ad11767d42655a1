/**
 * @module Keystore files on disk: written atomically with mode 0600 in a 0700 directory, read only when no
 * one but the owner can read them (as ssh insists for private keys), and the passphrase that opens them.
 */
import { randomBytes } from "node:crypto";
import { chmod, link, mkdir, open, readFile, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { KeystoreError } from "../../src/fp-daemon/errors.ts";
import { type Keystore, parseKeystore } from "../../src/fp-daemon/keystore.ts";

export const PASSPHRASE_ENV_VAR = "FP_KEYSTORE_PASSPHRASE";

/** Writes `keystore` to `path` (never a partial file), refusing to replace one unless `overwrite`. */
export async function writeKeystoreFile(
  path: string,
  keystore: Keystore,
  options: { overwrite?: boolean } = {},
): Promise<void> {
  const dir = dirname(path);
  // mode is filtered by the umask: set it again on what this call created.
  if ((await mkdir(dir, { recursive: true, mode: 0o700 })) !== undefined) await chmod(dir, 0o700);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  const file = await open(temp, "wx", 0o600);
  try {
    await file.chmod(0o600);
    await file.writeFile(`${JSON.stringify(keystore, null, 2)}\n`);
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    if (options.overwrite) {
      await rename(temp, path);
    } else {
      // link(2) fails if the target exists: no window in which a check could go stale.
      await link(temp, path).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "EEXIST") throw error;
        throw new KeystoreError("keystore_exists", `A keystore already exists at ${path}`, {
          field: "path",
          details: "refusing to overwrite it; remove it first or ask for an overwrite",
        });
      });
    }
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  await syncDirectory(dir);
}

/** Reads and validates a keystore file (no decryption) after checking only its owner can read it. */
export async function readKeystoreFile(path: string): Promise<Keystore> {
  await assertOwnerOnly(path, "keystore");
  return parseKeystore(await readFile(path, "utf8"));
}

export type PassphraseSource = {
  /** Defaults to `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Defaults to {@link PASSPHRASE_ENV_VAR}; `<envVar>_FILE` may name a passphrase file instead. */
  envVar?: string;
  /** A file holding the passphrase (mode 0600); one trailing newline is dropped. */
  file?: string;
};

/**
 * The keystore passphrase. A file wins (the `file` option, else the one `<envVar>_FILE` names, the
 * container-secrets convention); otherwise the variable `<envVar>` itself.
 */
export async function resolvePassphrase(source: PassphraseSource = {}): Promise<string> {
  const env = source.env ?? process.env;
  const envVar = source.envVar ?? PASSPHRASE_ENV_VAR;
  const file = source.file ?? nonEmpty(env[`${envVar}_FILE`]);
  if (file === undefined) {
    const passphrase = nonEmpty(env[envVar]);
    if (passphrase !== undefined) return passphrase;
    throw new KeystoreError(
      "keystore_passphrase_missing",
      `No keystore passphrase: set ${envVar}, or give a passphrase file (${envVar}_FILE)`,
      { field: envVar },
    );
  }
  await assertOwnerOnly(file, "passphrase file");
  const passphrase = nonEmpty((await readFile(file, "utf8")).replace(/\r?\n$/, ""));
  if (passphrase === undefined) {
    throw new KeystoreError("keystore_empty_passphrase", `The passphrase file ${file} is empty`, {
      field: `${envVar}_FILE`,
    });
  }
  return passphrase;
}

const nonEmpty = (value: string | undefined) => (value === "" ? undefined : value);

/** Refuses a file group or others may read or write: a copied-around key should not silently work. */
async function assertOwnerOnly(path: string, what: string): Promise<void> {
  const stats = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT") throw error;
    throw new KeystoreError("keystore_not_found", `No ${what} at ${path}`, { field: "path" });
  });
  if (!stats.isFile()) {
    throw new KeystoreError("keystore_invalid", `The ${what} ${path} is not a regular file`, {
      field: "path",
    });
  }
  // Windows has no POSIX mode bits to check.
  if (process.platform !== "win32" && (stats.mode & 0o077) !== 0) {
    const mode = (stats.mode & 0o777).toString(8).padStart(4, "0");
    throw new KeystoreError(
      "keystore_insecure_permissions",
      `Permissions ${mode} for ${what} ${path} are too open: run chmod 600 ${shellQuote(path)}`,
      { field: "path", details: "it must not be accessible by group or others" },
    );
  }
}

/** A path as a shell word, so the suggested command can be pasted as is. */
function shellQuote(path: string): string {
  return /^[\w./+-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`;
}

/** Makes the rename durable across a crash; some platforms cannot open a directory, which is fine. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r").catch(() => undefined);
  if (handle === undefined) return;
  try {
    await handle.sync();
  } catch {
    // Not supported here (e.g. Windows): the rename itself is still atomic.
  } finally {
    await handle.close();
  }
}
