/**
 * @module The encrypted keystore: one secret (an EOTS key or a Babylon account mnemonic) in a versioned
 * JSON document, sealed with scrypt + XChaCha20-Poly1305. The header is authenticated as AAD, so
 * changing the name, kind or public key breaks decryption just as a wrong passphrase does. No I/O.
 */
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { scryptAsync } from "@noble/hashes/scrypt.js";
import { bytesToHex, hexToBytes, utf8ToBytes, xOnlyPublicKey } from "../crypto/index.ts";
import { KeystoreError } from "./errors.ts";

export const KEYSTORE_VERSION = 1;

/** `eots`: the 32-byte EOTS secret key. `babylon-mnemonic`: the account's BIP-39 mnemonic, as UTF-8. */
export type KeystoreKind = "eots" | "babylon-mnemonic";

export type ScryptParams = { N: number; r: number; p: number };

/**
 * N = 2^17, r = 8 costs 128 MiB and about a second per attempt in JS, paid once per daemon start: a
 * guess costs an attacker the same memory, which is what makes GPU farms slow. geth's "standard" is
 * 2^18; half of it keeps the key openable on a 512 MiB VPS.
 */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };

/** A file asking for more scrypt memory than this is refused before any work (it could be a trap). */
const MAX_SCRYPT_MEMORY = 2 ** 28;
const MAX_SCRYPT_P = 16;
const SALT_BYTES = 32;
const NONCE_BYTES = 24;
const TAG_BYTES = 16;

export type Keystore = {
  version: typeof KEYSTORE_VERSION;
  kind: KeystoreKind;
  name: string;
  /** `eots`: the x-only public key, 64 lowercase hex. `babylon-mnemonic`: the bech32 `bbn1…` address. */
  publicKey: string;
  kdf: ScryptParams & { name: "scrypt"; salt: string };
  cipher: { name: "xchacha20-poly1305"; nonce: string };
  /** Hex of the sealed secret and its 16-byte tag. */
  ciphertext: string;
  /** ISO 8601. */
  createdAt: string;
};

export type EncryptKeystoreParameters = {
  kind: KeystoreKind;
  name: string;
  /** What `show` prints; an address is derived by the caller (it needs the Cosmos stack). */
  publicKey: string;
  secret: Uint8Array;
  passphrase: string;
  /** Lower N only in tests: the default is the one to ship. */
  kdf?: Partial<ScryptParams>;
  createdAt?: Date;
};

/** Key names become file names (`<name>.eots.json`): no separators, no leading dot. */
export const KEY_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const EOTS_PUBLIC_KEY = /^[0-9a-f]{64}$/;
const BBN_ADDRESS = /^bbn1[02-9ac-hj-np-z]{38,90}$/;
const KINDS: readonly string[] = ["eots", "babylon-mnemonic"] satisfies KeystoreKind[];

const invalid = (field: string, rule: string) =>
  new KeystoreError("keystore_invalid", `Invalid keystore: ${field} ${rule}`, { field, details: rule });

/** Seals `secret` under `passphrase`. An EOTS secret must be the key `publicKey` names. */
export async function encryptKeystore(parameters: EncryptKeystoreParameters): Promise<Keystore> {
  const { kind, name, publicKey, secret, passphrase } = parameters;
  if (passphrase === "") {
    throw new KeystoreError(
      "keystore_empty_passphrase",
      "Refusing to encrypt a keystore with an empty passphrase",
      {
        field: "passphrase",
      },
    );
  }
  const params = { ...DEFAULT_SCRYPT, ...parameters.kdf };
  const header: Omit<Keystore, "ciphertext"> = {
    version: KEYSTORE_VERSION,
    kind,
    name,
    publicKey,
    kdf: { name: "scrypt", ...params, salt: bytesToHex(randomBytes(SALT_BYTES)) },
    cipher: { name: "xchacha20-poly1305", nonce: bytesToHex(randomBytes(NONCE_BYTES)) },
    createdAt: (parameters.createdAt ?? new Date()).toISOString(),
  };
  checkHeader(header);
  if (secret.length === 0) throw invalid("secret", "is empty");
  if (kind === "eots") assertEotsSecret(secret, publicKey);

  const key = await deriveKey(passphrase, header.kdf);
  try {
    const sealed = xchacha20poly1305(key, hexToBytes(header.cipher.nonce), headerAad(header)).encrypt(secret);
    const { createdAt, ...rest } = header;
    return { ...rest, ciphertext: bytesToHex(sealed), createdAt };
  } finally {
    key.fill(0);
  }
}

/**
 * Opens a keystore (its JSON text or the parsed object) and returns the secret bytes; the caller should
 * `fill(0)` them when done. A wrong passphrase and an altered file are one error: the AEAD cannot tell
 * them apart, and saying which would help nobody but an attacker.
 */
export async function decryptKeystore(input: string | object, passphrase: string): Promise<Uint8Array> {
  const keystore = parseKeystore(input);
  const { ciphertext, ...header } = keystore;
  const key = await deriveKey(passphrase, header.kdf);
  let secret: Uint8Array;
  try {
    secret = xchacha20poly1305(key, hexToBytes(header.cipher.nonce), headerAad(header)).decrypt(
      hexToBytes(ciphertext),
    );
  } catch {
    throw new KeystoreError(
      "keystore_wrong_passphrase",
      `Wrong passphrase, or the keystore file was altered (key "${header.name}")`,
      { field: "passphrase" },
    );
  } finally {
    key.fill(0);
  }
  if (header.kind === "eots") {
    try {
      assertEotsSecret(secret, header.publicKey);
    } catch (error) {
      secret.fill(0);
      throw error;
    }
  }
  return secret;
}

/** Validates a keystore's shape (no decryption): what `show` needs, and the first step of decrypting. */
export function parseKeystore(input: string | object): Keystore {
  let value: unknown = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch {
      throw invalid("(root)", "is not JSON");
    }
  }
  const doc = record(value, "(root)");
  if (typeof doc.version !== "number") throw invalid("version", "must be a number");
  if (doc.version !== KEYSTORE_VERSION) {
    throw new KeystoreError(
      "keystore_unsupported_version",
      `Unsupported keystore version ${doc.version} (this build reads version ${KEYSTORE_VERSION})`,
      { field: "version" },
    );
  }
  onlyKeys(doc, ["version", "kind", "name", "publicKey", "kdf", "cipher", "ciphertext", "createdAt"], "");
  const kdf = record(doc.kdf, "kdf");
  onlyKeys(kdf, ["name", "N", "r", "p", "salt"], "kdf.");
  const cipher = record(doc.cipher, "cipher");
  onlyKeys(cipher, ["name", "nonce"], "cipher.");
  const keystore = {
    version: KEYSTORE_VERSION,
    kind: doc.kind,
    name: doc.name,
    publicKey: doc.publicKey,
    kdf: { name: kdf.name, N: kdf.N, r: kdf.r, p: kdf.p, salt: kdf.salt },
    cipher: { name: cipher.name, nonce: cipher.nonce },
    ciphertext: doc.ciphertext,
    createdAt: doc.createdAt,
  } as Keystore;
  checkHeader(keystore);
  hexField(keystore.ciphertext, "ciphertext", (length) => length > TAG_BYTES);
  return keystore;
}

/** Every header field, by name, so a bad one is reported as itself. */
function checkHeader(header: Omit<Keystore, "ciphertext">): void {
  if (typeof header.kind !== "string" || !KINDS.includes(header.kind)) {
    throw invalid("kind", `must be one of ${KINDS.join(", ")}`);
  }
  if (typeof header.name !== "string" || !KEY_NAME_PATTERN.test(header.name)) {
    throw invalid("name", "must be 1-64 of A-Z a-z 0-9 . _ - and not start with . _ -");
  }
  const [pattern, rule] =
    header.kind === "eots"
      ? [EOTS_PUBLIC_KEY, "must be the x-only key as 64 lowercase hex"]
      : [BBN_ADDRESS, "must be a bech32 bbn1… address"];
  if (typeof header.publicKey !== "string" || !pattern.test(header.publicKey))
    throw invalid("publicKey", rule);
  const { kdf, cipher } = header;
  if (kdf.name !== "scrypt") throw invalid("kdf.name", 'must be "scrypt"');
  checkScrypt(kdf);
  hexField(kdf.salt, "kdf.salt", (length) => length >= 16);
  if (cipher.name !== "xchacha20-poly1305") throw invalid("cipher.name", 'must be "xchacha20-poly1305"');
  hexField(cipher.nonce, "cipher.nonce", (length) => length === NONCE_BYTES);
  if (typeof header.createdAt !== "string" || Number.isNaN(Date.parse(header.createdAt))) {
    throw invalid("createdAt", "must be an ISO 8601 time");
  }
}

function checkScrypt({ N, r, p }: ScryptParams): void {
  const positive = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 1;
  if (!positive(N) || N < 2 || (N & (N - 1)) !== 0) throw invalid("kdf.N", "must be a power of two ≥ 2");
  if (!positive(r)) throw invalid("kdf.r", "must be an integer ≥ 1");
  if (!positive(p) || p > MAX_SCRYPT_P) throw invalid("kdf.p", `must be an integer in [1, ${MAX_SCRYPT_P}]`);
  if (128 * N * r > MAX_SCRYPT_MEMORY) {
    throw invalid("kdf.N", `with kdf.r needs more than ${MAX_SCRYPT_MEMORY / 2 ** 20} MiB (128·N·r)`);
  }
}

/** The secret must be a valid scalar whose x-only key is `publicKeyHex`. Says nothing about the secret. */
function assertEotsSecret(secret: Uint8Array, publicKeyHex: string): void {
  let derived: string | undefined;
  try {
    derived = bytesToHex(xOnlyPublicKey(secret));
  } catch {
    derived = undefined;
  }
  if (derived !== publicKeyHex) {
    throw new KeystoreError(
      "keystore_public_key_mismatch",
      `The secret is not the EOTS key ${publicKeyHex} the keystore names`,
      { field: "publicKey" },
    );
  }
}

/**
 * The AAD: the header as canonical JSON (keys sorted at every level, no whitespace, strings and
 * integers as `JSON.stringify` writes them), rebuilt from the validated fields only.
 */
function headerAad(header: Omit<Keystore, "ciphertext">): Uint8Array {
  return utf8ToBytes(canonicalJson(header));
}

function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const object = value as Record<string, unknown>;
  const fields = Object.keys(object)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key])}`);
  return `{${fields.join(",")}}`;
}

/** NFKC so the same passphrase typed on another keyboard or OS derives the same key. */
function deriveKey(passphrase: string, kdf: ScryptParams & { salt: string }): Promise<Uint8Array> {
  return scryptAsync(utf8ToBytes(passphrase.normalize("NFKC")), hexToBytes(kdf.salt), {
    N: kdf.N,
    r: kdf.r,
    p: kdf.p,
    dkLen: 32,
  });
}

function randomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}

function record(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw invalid(field, "must be an object");
  return value as Record<string, unknown>;
}

function onlyKeys(object: Record<string, unknown>, allowed: readonly string[], prefix: string): void {
  const extra = Object.keys(object).find((key) => !allowed.includes(key));
  // Unknown fields would ride outside the AAD: refuse them rather than trust them.
  if (extra !== undefined) throw invalid(`${prefix}${extra}`, "is not a keystore field");
}

function hexField(value: unknown, field: string, lengthOk: (length: number) => boolean): void {
  if (typeof value !== "string" || !/^[0-9a-f]*$/.test(value) || value.length % 2 !== 0) {
    throw invalid(field, "must be lowercase hex");
  }
  if (!lengthOk(value.length / 2)) throw invalid(field, "has the wrong length");
}
