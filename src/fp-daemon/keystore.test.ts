import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { scrypt } from "@noble/hashes/scrypt.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes, utf8ToBytes, xOnlyPublicKey } from "../crypto/index.ts";
import { KeystoreError } from "./errors.ts";
import {
  DEFAULT_SCRYPT,
  decryptKeystore,
  encryptKeystore,
  type Keystore,
  parseKeystore,
} from "./keystore.ts";

const FAST = { N: 2 ** 10, r: 8, p: 1 };
const SECRET = sha256(utf8ToBytes("keystore test eots key"));
const OTHER_SECRET = sha256(utf8ToBytes("keystore test other key"));
const PUBLIC_KEY = bytesToHex(xOnlyPublicKey(SECRET));
const PASSPHRASE = "correct horse battery staple";
const ADDRESS = "bbn1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu";

const eotsKeystore = (over: Partial<Parameters<typeof encryptKeystore>[0]> = {}) =>
  encryptKeystore({
    kind: "eots",
    name: "fp-1",
    publicKey: PUBLIC_KEY,
    secret: SECRET,
    passphrase: PASSPHRASE,
    kdf: FAST,
    ...over,
  });

/** The error a promise rejects with; no message may carry the secret or the passphrase. */
async function keystoreError(promise: Promise<unknown>): Promise<KeystoreError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KeystoreError);
  const { message } = error as KeystoreError;
  for (const secret of [bytesToHex(SECRET), bytesToHex(OTHER_SECRET), PASSPHRASE]) {
    expect(message).not.toContain(secret);
  }
  return error as KeystoreError;
}

const edit = (keystore: Keystore, change: (doc: Record<string, unknown>) => void): string => {
  const doc = JSON.parse(JSON.stringify(keystore));
  change(doc);
  return JSON.stringify(doc);
};

describe("encryptKeystore / decryptKeystore", () => {
  it("round trip, through JSON text and as an object", async () => {
    const keystore = await eotsKeystore({ createdAt: new Date("2026-11-24T12:00:00Z") });
    expect(Object.keys(keystore)).toEqual([
      "version",
      "kind",
      "name",
      "publicKey",
      "kdf",
      "cipher",
      "ciphertext",
      "createdAt",
    ]);
    expect(keystore).toMatchObject({
      version: 1,
      kind: "eots",
      name: "fp-1",
      publicKey: PUBLIC_KEY,
      kdf: { name: "scrypt", ...FAST },
      cipher: { name: "xchacha20-poly1305" },
      createdAt: "2026-11-24T12:00:00.000Z",
    });
    expect(keystore.kdf.salt).toMatch(/^[0-9a-f]{64}$/);
    expect(keystore.cipher.nonce).toMatch(/^[0-9a-f]{48}$/);
    expect(keystore.ciphertext).toHaveLength((32 + 16) * 2);
    const text = JSON.stringify(keystore);
    expect(text).not.toContain(bytesToHex(SECRET));
    expect(bytesToHex(await decryptKeystore(text, PASSPHRASE))).toBe(bytesToHex(SECRET));
    expect(bytesToHex(await decryptKeystore(keystore, PASSPHRASE))).toBe(bytesToHex(SECRET));
  });

  it("a Babylon mnemonic under its address", async () => {
    const mnemonic = utf8ToBytes("abandon ".repeat(23).concat("art"));
    const keystore = await encryptKeystore({
      kind: "babylon-mnemonic",
      name: "fp-1",
      publicKey: ADDRESS,
      secret: mnemonic,
      passphrase: PASSPHRASE,
      kdf: FAST,
    });
    expect(await decryptKeystore(JSON.stringify(keystore), PASSPHRASE)).toEqual(mnemonic);
  });

  it("salt and nonce are fresh every time", async () => {
    const [a, b] = await Promise.all([eotsKeystore(), eotsKeystore()]);
    expect(a.kdf.salt).not.toBe(b.kdf.salt);
    expect(a.cipher.nonce).not.toBe(b.cipher.nonce);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it("the passphrase is NFKC-normalised (composed and decomposed é open the same file)", async () => {
    const keystore = await eotsKeystore({ passphrase: "caf\u00e9" });
    expect(await decryptKeystore(keystore, "cafe\u0301")).toEqual(SECRET);
  });

  it("ships scrypt N = 2^17, r = 8, p = 1", () => {
    expect(DEFAULT_SCRYPT).toEqual({ N: 131072, r: 8, p: 1 });
  });
});

describe("refusals", () => {
  it("a wrong passphrase", async () => {
    const keystore = await eotsKeystore();
    const error = await keystoreError(decryptKeystore(keystore, "wrong horse"));
    expect(error.code).toBe("keystore_wrong_passphrase");
    expect(error.shortMessage).toMatch(/^Wrong passphrase, or the keystore file was altered/);
  });

  it("a flipped ciphertext byte, or any altered header field, is the same error", async () => {
    const keystore = await eotsKeystore();
    const otherKey = bytesToHex(xOnlyPublicKey(OTHER_SECRET));
    const flip = (hex: string, at: number) => {
      const bytes = hexToBytes(hex);
      bytes[at] = (bytes[at] as number) ^ 1;
      return bytesToHex(bytes);
    };
    const tampered = [
      edit(keystore, (d) => {
        d.ciphertext = flip(d.ciphertext as string, 0);
      }),
      edit(keystore, (d) => {
        d.ciphertext = flip(d.ciphertext as string, 47); // the tag
      }),
      edit(keystore, (d) => {
        d.name = "fp-2";
      }),
      edit(keystore, (d) => {
        d.publicKey = otherKey;
      }),
      edit(keystore, (d) => {
        d.createdAt = "2020-01-01T00:00:00.000Z";
      }),
      edit(keystore, (d) => {
        (d.cipher as { nonce: string }).nonce = flip(keystore.cipher.nonce, 3);
      }),
      edit(keystore, (d) => {
        (d.kdf as { salt: string }).salt = flip(keystore.kdf.salt, 3);
      }),
    ];
    for (const text of tampered) {
      expect((await keystoreError(decryptKeystore(text, PASSPHRASE))).code).toBe("keystore_wrong_passphrase");
    }
  });

  it("an unsupported version", async () => {
    const text = edit(await eotsKeystore(), (d) => {
      d.version = 2;
    });
    const error = await keystoreError(decryptKeystore(text, PASSPHRASE));
    expect(error.code).toBe("keystore_unsupported_version");
    expect(error.field).toBe("version");
  });

  it("malformed documents name the bad field, before any scrypt work", async () => {
    const keystore = await eotsKeystore();
    const cases: [(d: Record<string, unknown>) => void, string][] = [
      [(d) => delete d.version, "version"],
      [(d) => (d.kind = "bls"), "kind"],
      [(d) => (d.name = "../escape"), "name"],
      [(d) => (d.publicKey = PUBLIC_KEY.toUpperCase()), "publicKey"],
      [(d) => (d.kind = "babylon-mnemonic"), "publicKey"],
      [(d) => ((d.kdf as Record<string, unknown>).name = "pbkdf2"), "kdf.name"],
      [(d) => ((d.kdf as Record<string, unknown>).N = 1000), "kdf.N"],
      [(d) => ((d.kdf as Record<string, unknown>).N = 2 ** 30), "kdf.N"],
      [(d) => ((d.kdf as Record<string, unknown>).p = 0), "kdf.p"],
      [(d) => delete (d.cipher as Record<string, unknown>).nonce, "cipher.nonce"],
      [(d) => ((d.cipher as Record<string, unknown>).nonce = "00"), "cipher.nonce"],
      [(d) => (d.ciphertext = "zz"), "ciphertext"],
      [(d) => (d.createdAt = "yesterday"), "createdAt"],
      [(d) => (d.comment = "unauthenticated"), "comment"],
      [(d) => ((d.kdf as Record<string, unknown>).dkLen = 64), "kdf.dkLen"],
    ];
    for (const [change, field] of cases) {
      const error = await keystoreError(decryptKeystore(edit(keystore, change), PASSPHRASE));
      expect([error.code, error.field]).toEqual(["keystore_invalid", field]);
    }
    expect(() => parseKeystore("{not json")).toThrow(KeystoreError);
  });

  it("an EOTS secret that is not the named key", async () => {
    await expect(eotsKeystore({ secret: OTHER_SECRET })).rejects.toMatchObject({
      code: "keystore_public_key_mismatch",
    });
    // A file sealed consistently (valid AAD) but around the wrong secret: built by hand from the format's
    // description, which also checks that description (AAD = the header as canonical JSON).
    const keystore = await eotsKeystore();
    const { ciphertext: _, ...header } = keystore;
    const canonical = (v: unknown): string =>
      v !== null && typeof v === "object"
        ? `{${Object.entries(v)
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`)
            .join(",")}}`
        : JSON.stringify(v);
    const key = scrypt(PASSPHRASE, hexToBytes(header.kdf.salt), { ...FAST, dkLen: 32 });
    const seal = (secret: Uint8Array) =>
      bytesToHex(
        xchacha20poly1305(key, hexToBytes(header.cipher.nonce), utf8ToBytes(canonical(header))).encrypt(
          secret,
        ),
      );
    const forged = { ...keystore, ciphertext: seal(OTHER_SECRET) };
    const error = await keystoreError(decryptKeystore(forged, PASSPHRASE));
    expect(error.code).toBe("keystore_public_key_mismatch");
    // The same construction around the right secret opens: the AAD is exactly as described.
    const honest = { ...keystore, ciphertext: seal(SECRET) };
    expect(await decryptKeystore(honest, PASSPHRASE)).toEqual(SECRET);
  });

  it("an empty passphrase or secret", async () => {
    expect((await keystoreError(eotsKeystore({ passphrase: "" }))).code).toBe("keystore_empty_passphrase");
    const empty = encryptKeystore({
      kind: "babylon-mnemonic",
      name: "fp-1",
      publicKey: ADDRESS,
      secret: new Uint8Array(),
      passphrase: PASSPHRASE,
      kdf: FAST,
    });
    expect((await keystoreError(empty)).field).toBe("secret");
  });
});
