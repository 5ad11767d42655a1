import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bytesToHex, xOnlyPublicKey } from "../../src/crypto/index.ts";
import { KeystoreError } from "../../src/fp-daemon/errors.ts";
import { decryptKeystore, encryptKeystore, type Keystore } from "../../src/fp-daemon/keystore.ts";
import { type KeysOutput, keysAdd, keysImport, keysShow, runKeysCommand } from "./keys-command.ts";
import { readKeystoreFile, resolvePassphrase, writeKeystoreFile } from "./keystore-file.ts";

const FAST = { N: 2 ** 10, r: 8, p: 1 };
const PASSPHRASE = "a long passphrase for tests";
const ENV = { FP_KEYSTORE_PASSPHRASE: PASSPHRASE };
const SECRET_HEX = "6c7e8e38ad2b6c9b8f2bbd1d6b3f1e2f8a1d4a0c7b5e3d2f1a0b9c8d7e6f5a41";
const MNEMONIC =
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon " +
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art";

const mode = async (path: string) => (await stat(path)).mode & 0o777;

/** A sink that keeps what a command printed. */
function sink(): KeysOutput & { lines: string[]; errors: string[]; text(): string } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    out: (line) => lines.push(line),
    err: (line) => errors.push(line),
    text: () => [...lines, ...errors].join("\n"),
  };
}

async function rejection(promise: Promise<unknown>): Promise<KeystoreError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KeystoreError);
  return error as KeystoreError;
}

let dir: string;
let keystore: Keystore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "fp-keys-"));
  const secret = Uint8Array.from(Buffer.from(SECRET_HEX, "hex"));
  keystore = await encryptKeystore({
    kind: "eots",
    name: "fp-1",
    publicKey: bytesToHex(xOnlyPublicKey(secret)),
    secret,
    passphrase: PASSPHRASE,
    kdf: FAST,
  });
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("writeKeystoreFile / readKeystoreFile", () => {
  it("writes 0600 into a new 0700 directory, atomically, and reads it back", async () => {
    const path = join(dir, "home", "keys", "fp-1.eots.json");
    await writeKeystoreFile(path, keystore);
    expect(await mode(path)).toBe(0o600);
    expect(await mode(join(dir, "home", "keys"))).toBe(0o700);
    expect(await readdir(join(dir, "home", "keys"))).toEqual(["fp-1.eots.json"]); // no temp file left
    expect(await readKeystoreFile(path)).toEqual(keystore);
  });

  it("refuses to overwrite unless asked", async () => {
    const path = join(dir, "fp-1.eots.json");
    await writeKeystoreFile(path, keystore);
    const before = await readFile(path, "utf8");
    const other = { ...keystore, name: "fp-2" };
    expect((await rejection(writeKeystoreFile(path, other))).code).toBe("keystore_exists");
    expect(await readFile(path, "utf8")).toBe(before);
    await writeKeystoreFile(path, other, { overwrite: true });
    expect((await readKeystoreFile(path)).name).toBe("fp-2");
    expect(await mode(path)).toBe(0o600);
    expect(await readdir(dir)).toEqual(["fp-1.eots.json"]);
  });

  it("refuses a file group or others can read, naming the chmod that fixes it", async () => {
    const path = join(dir, "fp-1.eots.json");
    await writeKeystoreFile(path, keystore);
    for (const loose of [0o640, 0o604]) {
      await chmod(path, loose);
      const error = await rejection(readKeystoreFile(path));
      expect(error.code).toBe("keystore_insecure_permissions");
      expect(error.shortMessage).toContain(`chmod 600 ${path}`);
    }
    await chmod(path, 0o600);
    await expect(readKeystoreFile(path)).resolves.toEqual(keystore);
  });

  it("a missing file is keystore_not_found", async () => {
    expect((await rejection(readKeystoreFile(join(dir, "nope.json")))).code).toBe("keystore_not_found");
  });
});

describe("resolvePassphrase", () => {
  it("from FP_KEYSTORE_PASSPHRASE, or another variable", async () => {
    expect(await resolvePassphrase({ env: ENV })).toBe(PASSPHRASE);
    expect(await resolvePassphrase({ env: { MY_PASS: "x y z" }, envVar: "MY_PASS" })).toBe("x y z");
  });

  it("from a 0600 file, one trailing newline dropped; the file wins", async () => {
    const file = join(dir, "passphrase");
    await writeFile(file, " spaced passphrase \n", { mode: 0o600 });
    expect(await resolvePassphrase({ env: ENV, file })).toBe(" spaced passphrase ");
    await writeFile(file, "crlf\r\n", { mode: 0o600 });
    expect(await resolvePassphrase({ env: {}, file })).toBe("crlf");
    expect(await resolvePassphrase({ env: { FP_KEYSTORE_PASSPHRASE_FILE: file } })).toBe("crlf");
  });

  it("refuses a readable passphrase file, an empty one, and nothing at all", async () => {
    const file = join(dir, "passphrase");
    await writeFile(file, "secret\n", { mode: 0o644 });
    await chmod(file, 0o644);
    expect((await rejection(resolvePassphrase({ env: {}, file }))).code).toBe(
      "keystore_insecure_permissions",
    );
    await chmod(file, 0o600);
    await writeFile(file, "\n");
    expect((await rejection(resolvePassphrase({ env: {}, file }))).code).toBe("keystore_empty_passphrase");
    const missing = await rejection(resolvePassphrase({ env: { FP_KEYSTORE_PASSPHRASE: "" } }));
    expect(missing.code).toBe("keystore_passphrase_missing");
    expect(missing.shortMessage).toContain("FP_KEYSTORE_PASSPHRASE");
    expect(missing.shortMessage).toContain("passphrase file");
  });
});

describe("keys add | import | show", () => {
  const home = () => join(dir, "home");
  const write = { passphrase: { env: ENV }, kdf: FAST };

  it("add creates encrypted EOTS and Babylon keystores; show prints public data only", async () => {
    const added = sink();
    expect(await keysAdd({ home: home(), name: "fp-1", babylon: true, ...write }, added)).toBe(0);
    const eotsPath = join(home(), "keys", "fp-1.eots.json");
    const babylonPath = join(home(), "keys", "fp-1.babylon.json");
    expect(await mode(eotsPath)).toBe(0o600);
    expect(await mode(join(home(), "keys"))).toBe(0o700);

    const eots = await readKeystoreFile(eotsPath);
    const babylon = await readKeystoreFile(babylonPath);
    expect(babylon.publicKey).toMatch(/^bbn1[02-9ac-hj-np-z]{38}$/);
    const secretHex = bytesToHex(await decryptKeystore(eots, PASSPHRASE));
    const mnemonic = new TextDecoder().decode(await decryptKeystore(babylon, PASSPHRASE));
    expect(mnemonic.split(" ")).toHaveLength(24);
    expect(bytesToHex(xOnlyPublicKey(Buffer.from(secretHex, "hex")))).toBe(eots.publicKey);

    const shown = sink();
    expect(await keysShow({ home: home(), name: "fp-1" }, shown)).toBe(0);
    const json = sink();
    expect(await keysShow({ home: home(), name: "fp-1", json: true }, json)).toBe(0);
    expect(JSON.parse(json.lines[0] as string)).toMatchObject({
      eots: { publicKey: eots.publicKey },
      babylon: { address: babylon.publicKey },
    });
    for (const out of [added, shown, json]) {
      expect(out.text()).toContain(eots.publicKey);
      expect(out.text()).toContain(babylon.publicKey);
      expect(out.text()).not.toContain(secretHex);
      expect(out.text()).not.toContain(mnemonic);
      expect(out.errors).toEqual([]);
    }
  });

  it("add refuses an existing name (exit 2) and changes nothing", async () => {
    expect(await keysAdd({ home: home(), name: "fp-1", ...write }, sink())).toBe(0);
    const path = join(home(), "keys", "fp-1.eots.json");
    const before = await readFile(path, "utf8");
    const again = sink();
    expect(await keysAdd({ home: home(), name: "fp-1", babylon: true, ...write }, again)).toBe(2);
    expect(again.errors.join("\n")).toContain("keystore_exists");
    expect(await readFile(path, "utf8")).toBe(before);
    expect(await readdir(join(home(), "keys"))).toEqual(["fp-1.eots.json"]);
  });

  it("import reads the EOTS key from a file and the mnemonic from stdin", async () => {
    const keyFile = join(dir, "eots.hex");
    await writeFile(keyFile, `0x${SECRET_HEX}\n`, { mode: 0o600 });
    const imported = sink();
    const code = await runKeysCommand({
      sub: "import",
      home: home(),
      name: "fp-1",
      eotsFile: keyFile,
      mnemonicFile: "-",
      stdin: Readable.from([`  ${MNEMONIC.toUpperCase()}\n`]),
      env: ENV,
      kdf: FAST,
      out: imported.out,
      err: imported.err,
    });
    expect(imported.errors).toEqual([]);
    expect(code).toBe(0);
    const publicKey = keystore.publicKey;
    const eots = await readKeystoreFile(join(home(), "keys", "fp-1.eots.json"));
    expect(eots.publicKey).toBe(publicKey);
    expect(bytesToHex(await decryptKeystore(eots, PASSPHRASE))).toBe(SECRET_HEX);
    const babylon = await readKeystoreFile(join(home(), "keys", "fp-1.babylon.json"));
    expect(new TextDecoder().decode(await decryptKeystore(babylon, PASSPHRASE))).toBe(MNEMONIC);

    const shown = sink();
    expect(
      await runKeysCommand({ sub: "show", home: home(), name: "fp-1", out: shown.out, err: shown.err }),
    ).toBe(0);
    expect(shown.text()).toContain(publicKey);
    expect(shown.text()).toContain(babylon.publicKey);
    expect(shown.text()).not.toContain(SECRET_HEX);
    expect(imported.text()).not.toContain(SECRET_HEX);
  });

  it("import refuses bad input without echoing it, and needs something to import", async () => {
    const keyFile = join(dir, "eots.hex");
    const notAKey = "ff".repeat(32); // ≥ n: not a secret key
    await writeFile(keyFile, notAKey, { mode: 0o600 });
    const bad = sink();
    expect(await keysImport({ home: home(), name: "fp-1", eotsFile: keyFile, ...write }, bad)).toBe(2);
    expect(bad.errors.join("\n")).toContain("keystore_invalid_secret");
    expect(bad.text()).not.toContain(notAKey);

    const words = sink();
    const readStdin = async () => "abandon abandon zebra";
    expect(
      await keysImport({ home: home(), name: "fp-1", mnemonicFile: "-", readStdin, ...write }, words),
    ).toBe(2);
    expect(words.text()).not.toContain("zebra");

    expect(await keysImport({ home: home(), name: "fp-1", ...write }, sink())).toBe(2);
    await expect(readdir(join(home(), "keys"))).rejects.toThrow(); // nothing was created
  });

  it("show: an unknown name, a bad name, an unknown subcommand", async () => {
    const missing = sink();
    expect(await keysShow({ home: home(), name: "nobody" }, missing)).toBe(2);
    expect(missing.errors.join("\n")).toContain("keystore_not_found");
    const traversal = sink();
    expect(await keysShow({ home: home(), name: "../../etc/passwd" }, traversal)).toBe(2);
    expect(traversal.errors.join("\n")).toContain("keystore_invalid");
    const unknown = sink();
    expect(await runKeysCommand({ sub: "export", home: home(), name: "fp-1", ...unknown })).toBe(2);
  });
});
