// The command line in-process: help, init → a config that loads, keys with a wrong passphrase, a locked home, and
// a bad config naming its field — all decided before anything is sent anywhere.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "./cli.ts";
import { loadConfigFile } from "./config-file.ts";
import { EXIT } from "./exit-codes.ts";

let dir: string;
let out: string[];
let err: string[];
const never = new Promise<string>(() => {});
const cli = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
  runCli(argv, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    env: { FP_HOME: dir, ...env },
    stopSignal: never,
  });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "fp-cli-"));
  out = [];
  err = [];
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("finality-edge-fp", () => {
  it("prints help for every command, and refuses unknown ones with exit 2", async () => {
    for (const command of ["init", "keys", "start", "status"]) {
      expect(await cli([command, "--help"])).toBe(EXIT.ok);
      expect(out.pop()).toContain(`finality-edge-fp ${command}`);
    }
    expect(await cli(["--help"])).toBe(EXIT.ok);
    expect(await cli(["frobnicate"])).toBe(EXIT.usage);
    expect(err.pop()).toContain("unknown command frobnicate");
    expect(await cli(["start", "--no-such-flag"])).toBe(EXIT.usage);
  });

  it("init writes a commented config that loads as written, and refuses to overwrite it", async () => {
    const args = [
      "init",
      "--chain",
      "my-rollup",
      "--edge-url",
      "https://edge.example",
      "--contract",
      "bbn1qqqqqqqqqqqqqqqqqq",
    ];
    expect(await cli(args)).toBe(EXIT.ok);
    const path = join(dir, "config.toml");
    expect(await readFile(path, "utf8")).toMatch(/^# Finality Edge FP daemon configuration/);
    const config = loadConfigFile(path, {});
    expect(config).toMatchObject({
      chain: "my-rollup",
      transport: "edge",
      edge: { url: "https://edge.example" },
    });
    expect(await cli(args)).toBe(EXIT.usage);
    expect(err.pop()).toContain("refusing to overwrite");
  });

  it("start fails with exit 2 naming the bad field's path, before it opens anything", async () => {
    await writeFile(
      join(dir, "config.toml"),
      'chain = "c"\n[edge]\nurl = "https://e.example"\n[babylon]\nrpcUrl = "http://127.0.0.1:1"\nchainId = "b"\ncontractAddress = "bbn1qqqqqqqqqqqqqqqqqq"\n[l2]\nrpcUrl = "http://127.0.0.1:2"\npollMs = 1\n',
    );
    expect(await cli(["start"])).toBe(EXIT.usage);
    expect(err.pop()).toMatch(/invalid_config: .*config\.toml: l2\.pollMs: /);
  });

  it("keys add, then start with the wrong passphrase: exit 2, keystore_wrong_passphrase; a live lock: exit 4", async () => {
    await cli([
      "init",
      "--babylon-rpc",
      "http://127.0.0.1:1",
      "--l2-rpc",
      "http://127.0.0.1:2",
      "--contract",
      "bbn1qqqqqqqqqqqqqqqqqq",
    ]);
    expect(await cli(["keys", "add"], { FP_KEYSTORE_PASSPHRASE: "right horse battery" })).toBe(EXIT.ok);
    expect(await cli(["keys", "show"])).toBe(EXIT.ok);
    const shown = out.join("\n");
    expect(shown).toMatch(/[0-9a-f]{64}/);
    expect(await cli(["start"], { FP_KEYSTORE_PASSPHRASE: "wrong" })).toBe(EXIT.usage);
    expect(err.pop()).toContain("keystore_wrong_passphrase");
    // The failed start released its lock; a live one (this process's parent) is refused.
    await writeFile(join(dir, "daemon.lock"), `${process.ppid}\n`);
    expect(await cli(["start"], { FP_KEYSTORE_PASSPHRASE: "right horse battery" })).toBe(EXIT.locked);
    expect(err.pop()).toContain("home_locked");
  }, 30_000);
});
